/// Decodes ONNX messages from protobuf fields. Field numbers are those of the
/// public ONNX schema; unknown fields are skipped so newer files still load.
enum ONNXDecoder {
    static func model(from data: ByteSlice) throws -> ONNXModel {
        var model = ONNXModel(irVersion: 0, producerName: "", producerVersion: "", opsetImports: [:],
                              graph: ONNXGraph(name: "", nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: []))
        var sawGraph = false
        try forEachField(in: data, part: "ModelProto") { field in
            switch field.number {
            case 1: model.irVersion = field.int64
            case 2: model.producerName = field.string
            case 3: model.producerVersion = field.string
            case 7:
                try field.requireWireType(.lengthDelimited)
                model.graph = try graph(from: field.bytes)
                sawGraph = true
            case 8:
                try field.requireWireType(.lengthDelimited)
                var domain = ""
                var version: Int64 = 1
                try forEachField(in: field.bytes, part: "OperatorSetIdProto") { entry in
                    if entry.number == 1 { domain = entry.string }
                    if entry.number == 2 { version = entry.int64 }
                }
                model.opsetImports[domain] = version
            default: break
            }
        }
        guard sawGraph else { throw ONNXLoadingError.notAModel(reason: "the file contains no graph") }
        return model
    }

    static func graph(from data: ByteSlice) throws -> ONNXGraph {
        var graph = ONNXGraph(name: "", nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [])
        try forEachField(in: data, part: "GraphProto") { field in
            switch field.number {
            case 1: graph.nodes.append(try node(from: field.bytes))
            case 2: graph.name = field.string
            case 5: graph.initializers.append(try tensor(from: field.bytes))
            case 11: graph.inputs.append(try valueInfo(from: field.bytes))
            case 12: graph.outputs.append(try valueInfo(from: field.bytes))
            case 13: graph.valueInfo.append(try valueInfo(from: field.bytes))
            default: break
            }
        }
        return graph
    }

    static func node(from data: ByteSlice) throws -> ONNXNode {
        var node = ONNXNode(name: "", opType: "", domain: "", inputs: [], outputs: [], attributes: [:])
        try forEachField(in: data, part: "NodeProto") { field in
            switch field.number {
            case 1: node.inputs.append(field.string)
            case 2: node.outputs.append(field.string)
            case 3: node.name = field.string
            case 4: node.opType = field.string
            case 5:
                let (name, value) = try attribute(from: field.bytes)
                node.attributes[name] = value
            case 7: node.domain = field.string
            default: break
            }
        }
        return node
    }

    static func attribute(from data: ByteSlice) throws -> (String, ONNXAttribute) {
        var name = ""
        var type = 0
        var float: Float = 0, int: Int64 = 0, string = "", tensorValue: ONNXTensor?
        var floats: [Float] = [], ints: [Int64] = [], strings: [String] = []
        try forEachField(in: data, part: "AttributeProto") { field in
            switch field.number {
            case 1: name = field.string
            case 20: type = Int(field.int64)
            case 2: float = field.float
            case 3: int = field.int64
            case 4: string = field.string
            case 5: tensorValue = try tensor(from: field.bytes)
            case 7: try field.appendFloats(to: &floats)
            case 8: try field.appendInt64s(to: &ints)
            case 9: strings.append(field.string)
            default: break
            }
        }
        switch type {
        case 1: return (name, .float(float))
        case 2: return (name, .int(int))
        case 3: return (name, .string(string))
        case 4:
            guard let tensorValue else { return (name, .unsupported(typeCode: type)) }
            return (name, .tensor(tensorValue))
        case 6: return (name, .floats(floats))
        case 7: return (name, .ints(ints))
        case 8: return (name, .strings(strings))
        default: return (name, .unsupported(typeCode: type))
        }
    }

    static func tensor(from data: ByteSlice) throws -> ONNXTensor {
        var name = ""
        var dims: [Int64] = []
        var typeCode: Int64 = 0
        var raw: ByteSlice?
        var floats: [Float] = [], doubles: [Double] = [], int32s: [Int64] = [], int64s: [Int64] = []
        var uint64s: [Int64] = []
        var external: [String: String] = [:]
        var isExternal = false
        try forEachField(in: data, part: "TensorProto") { field in
            switch field.number {
            case 1: try field.appendInt64s(to: &dims)
            case 2: typeCode = field.int64
            case 4: try field.appendFloats(to: &floats)
            case 5: try field.appendInt64s(to: &int32s)
            case 7: try field.appendInt64s(to: &int64s)
            case 8: name = field.string
            case 9:
                try field.requireWireType(.lengthDelimited)
                raw = field.bytes
            case 10: try field.appendDoubles(to: &doubles)
            case 11: try field.appendInt64s(to: &uint64s)
            case 13:
                var key = "", value = ""
                try forEachField(in: field.bytes, part: "StringStringEntryProto") { entry in
                    if entry.number == 1 { key = entry.string }
                    if entry.number == 2 { value = entry.string }
                }
                external[key] = value
            case 14: isExternal = field.int64 == 1
            default: break
            }
        }
        guard let dataType = ONNXDataType(rawValue: Int(typeCode)), dataType != .undefined, dataType != .string else {
            throw ONNXLoadingError.unsupportedDataType(tensor: name, dataType: Int(typeCode))
        }
        guard dims.allSatisfy({ $0 >= 0 }) else {
            throw ONNXLoadingError.inconsistentTensor(tensor: name, reason: "negative dimension in \(dims)")
        }
        let shape = dims.map { Int($0) }
        let payload: ONNXTensor.Payload
        if isExternal {
            guard let location = external["location"] else {
                throw ONNXLoadingError.externalData(tensor: name, reason: "no 'location' entry")
            }
            payload = .external(location: location, offset: Int(external["offset"] ?? "0") ?? 0,
                                length: external["length"].flatMap { Int($0) })
        } else if let raw {
            payload = .raw(raw)
        } else if !floats.isEmpty || dataType == .float {
            payload = .floats(floats)
        } else if !doubles.isEmpty || dataType == .double {
            payload = .doubles(doubles)
        } else if !int64s.isEmpty || dataType == .int64 {
            payload = .int64s(int64s)
        } else if !uint64s.isEmpty {
            payload = .uint64s(uint64s.map { UInt64(bitPattern: $0) })
        } else {
            payload = .int32s(int32s)
        }
        let tensor = ONNXTensor(name: name, dataType: dataType, dims: shape, payload: payload)
        try validateElementCount(tensor)
        return tensor
    }

    static func valueInfo(from data: ByteSlice) throws -> ONNXValueInfo {
        var info = ONNXValueInfo(name: "", elementType: nil, shape: nil)
        try forEachField(in: data, part: "ValueInfoProto") { field in
            switch field.number {
            case 1: info.name = field.string
            case 2:
                // TypeProto.tensor_type (1) → elem_type (1), shape (2) → dim (1).
                try forEachField(in: field.bytes, part: "TypeProto") { typeField in
                    guard typeField.number == 1 else { return }
                    try forEachField(in: typeField.bytes, part: "TypeProto.Tensor") { tensorField in
                        if tensorField.number == 1 { info.elementType = ONNXDataType(rawValue: Int(tensorField.int64)) }
                        if tensorField.number == 2 { info.shape = try shape(from: tensorField.bytes) }
                    }
                }
            default: break
            }
        }
        return info
    }

    private static func shape(from data: ByteSlice) throws -> [ONNXValueInfo.Dimension] {
        var dimensions: [ONNXValueInfo.Dimension] = []
        try forEachField(in: data, part: "TensorShapeProto") { field in
            guard field.number == 1 else { return }
            var dimension = ONNXValueInfo.Dimension.symbolic("")
            try forEachField(in: field.bytes, part: "TensorShapeProto.Dimension") { dimField in
                if dimField.number == 1 { dimension = .value(Int(dimField.int64)) }
                if dimField.number == 2 { dimension = .symbolic(dimField.string) }
            }
            dimensions.append(dimension)
        }
        return dimensions
    }

    /// Typed payloads must hold exactly one value per element; a mismatch means
    /// a corrupt or hand-edited file and would otherwise read out of bounds.
    /// The element count is computed with overflow checks here, once, so
    /// that `ONNXTensor.elementCount` is safe everywhere after decoding.
    static func validateElementCount(_ tensor: ONNXTensor) throws {
        var expected = 1
        for dimension in tensor.dims {
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow, product <= 1 << 40 else {
                throw ONNXLoadingError.inconsistentTensor(
                    tensor: tensor.name, reason: "shape \(tensor.dims) has a negative dimension or more than 2^40 elements")
            }
            expected = product
        }
        let found: Int
        switch tensor.payload {
        case .raw(let bytes):
            guard let width = tensor.dataType.byteWidth else { return }
            guard bytes.count == expected * width else {
                throw ONNXLoadingError.inconsistentTensor(
                    tensor: tensor.name, reason: "raw_data has \(bytes.count) bytes, shape \(tensor.dims) needs \(expected * width)")
            }
            return
        case .external: return
        case .floats(let values): found = values.count
        case .doubles(let values): found = values.count
        case .int32s(let values): found = values.count
        case .int64s(let values): found = values.count
        case .uint64s(let values): found = values.count
        }
        guard found == expected else {
            throw ONNXLoadingError.inconsistentTensor(
                tensor: tensor.name, reason: "holds \(found) values, shape \(tensor.dims) needs \(expected)")
        }
    }

    /// Runs `body` for each field, wrapping wire-format errors with the message
    /// being decoded so that users see which part of the file is broken.
    static func forEachField(in data: ByteSlice, part: String, _ body: (ProtobufReader.Field) throws -> Void) throws {
        var reader = ProtobufReader(data)
        while true {
            let field: ProtobufReader.Field?
            do { field = try reader.nextField() } catch let error as ProtobufError {
                throw ONNXLoadingError.malformed(part: part, underlying: error)
            }
            guard let field else { return }
            do { try body(field) } catch let error as ProtobufError {
                throw ONNXLoadingError.malformed(part: part, underlying: error)
            }
        }
    }
}
