extension Tensor {
    /// Converts a decoded ONNX tensor to an engine tensor. Float32 raw data
    /// stays a view into the mapped file; other types are converted.
    init(onnx tensor: ONNXTensor) throws {
        let shape = tensor.dims
        let name = tensor.name
        func unsupported() -> ONNXLoadingError { .unsupportedDataType(tensor: name, dataType: tensor.dataType.rawValue) }
        switch tensor.payload {
        case .external:
            throw ONNXLoadingError.externalData(tensor: name, reason: "was not resolved when loading the model")
        case .floats(let values):
            self.init(shape: shape, floats: values)
        case .doubles(let values):
            self.init(shape: shape, floats: values.map { Float($0) })
        case .int64s(let values):
            switch tensor.dataType {
            case .float, .double, .float16, .bfloat16: throw unsupported()
            default: self.init(shape: shape, int64s: values)
            }
        case .int32s(let values):
            switch tensor.dataType {
            case .int32, .int16, .int8, .uint16, .uint8, .bool: self.init(shape: shape, int64s: values)
            default: throw unsupported()
            }
        case .uint64s(let values):
            self.init(shape: shape, int64s: values.map { Int64(truncatingIfNeeded: $0) })
        case .raw(let bytes):
            switch tensor.dataType {
            case .float:
                self.init(shape: shape, floats: FloatBuffer(littleEndianBytes: bytes))
            case .double:
                self.init(shape: shape, floats: Tensor.decode(bytes, width: 8) { Float(Double(bitPattern: $0)) })
            case .int64, .uint64:
                self.init(shape: shape, int64s: Tensor.decode(bytes, width: 8) { Int64(bitPattern: $0) })
            case .int32:
                self.init(shape: shape, int64s: Tensor.decode(bytes, width: 4) { Int64(Int32(truncatingIfNeeded: $0)) })
            case .uint32:
                self.init(shape: shape, int64s: Tensor.decode(bytes, width: 4) { Int64(UInt32(truncatingIfNeeded: $0)) })
            case .int16:
                self.init(shape: shape, int64s: Tensor.decode(bytes, width: 2) { Int64(Int16(truncatingIfNeeded: $0)) })
            case .uint16:
                self.init(shape: shape, int64s: Tensor.decode(bytes, width: 2) { Int64(UInt16(truncatingIfNeeded: $0)) })
            case .int8:
                self.init(shape: shape, int64s: Tensor.decode(bytes, width: 1) { Int64(Int8(truncatingIfNeeded: $0)) })
            case .uint8, .bool:
                self.init(shape: shape, int64s: Tensor.decode(bytes, width: 1) { Int64(UInt8(truncatingIfNeeded: $0)) })
            default:
                throw unsupported()
            }
        }
    }

    /// Reads little-endian elements of `width` bytes and converts each.
    private static func decode<T>(_ bytes: ByteSlice, width: Int, _ convert: (UInt64) -> T) -> [T] {
        bytes.withUnsafeBytes { raw in
            (0..<(raw.count / width)).map { index in
                var bits: UInt64 = 0
                for byte in 0..<width { bits |= UInt64(raw[index * width + byte]) << (8 * UInt64(byte)) }
                return convert(bits)
            }
        }
    }
}
