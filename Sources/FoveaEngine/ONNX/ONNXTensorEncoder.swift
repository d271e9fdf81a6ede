import Foundation

/// Writes engine tensors as ONNX `TensorProto` files (the ONNX test-data
/// format), so outputs can be compared with other runtimes' results.
public enum ONNXTensorEncoder {
    public static func encode(_ tensor: Tensor, name: String) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.writePackedInt64s(field: 1, tensor.shape.map { Int64($0) })
        switch tensor.storage {
        case .float32(let floats):
            writer.writeVarint(field: 2, UInt64(ONNXDataType.float.rawValue))
            writer.writeString(field: 8, name)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(floats.count * 4)
            for value in floats.array { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            writer.writeBytes(field: 9, bytes)
        case .int64(let values):
            writer.writeVarint(field: 2, UInt64(ONNXDataType.int64.rawValue))
            writer.writeString(field: 8, name)
            var bytes: [UInt8] = []
            for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
            writer.writeBytes(field: 9, bytes)
        }
        return writer.bytes
    }

    public static func write(_ tensor: Tensor, name: String, to path: String) throws {
        try Data(encode(tensor, name: name)).write(to: URL(fileURLWithPath: path))
    }
}

extension ONNXFile {
    /// Reads a `TensorProto` file as an engine tensor.
    public static func loadEngineTensor(path: String) throws -> (name: String, tensor: Tensor) {
        let onnx = try loadTensor(path: path)
        return (onnx.name, try Tensor(onnx: onnx))
    }
}
