import Foundation

/// Reading ONNX models and tensors from disk.
public enum ONNXFile {
    /// Maps `path` and decodes the model. External tensor data is mapped from
    /// files next to the model and referenced, not copied.
    public static func loadModel(path: String) throws -> ONNXModel {
        let storage = try ByteStorage.mapping(fileAt: path)
        guard storage.count > 0 else { throw ONNXLoadingError.notAModel(reason: "the file is empty") }
        var model = try ONNXDecoder.model(from: ByteSlice(storage: storage))
        let directory = (path as NSString).deletingLastPathComponent
        var mappedFiles: [String: ByteStorage] = [:]
        for index in model.graph.initializers.indices {
            try resolveExternalData(of: &model.graph.initializers[index], directory: directory, cache: &mappedFiles)
        }
        return model
    }

    /// Decodes a standalone `TensorProto` file, the format of ONNX test data.
    public static func loadTensor(path: String) throws -> ONNXTensor {
        let storage = try ByteStorage.mapping(fileAt: path)
        return try ONNXDecoder.tensor(from: ByteSlice(storage: storage))
    }

    private static func resolveExternalData(of tensor: inout ONNXTensor, directory: String,
                                            cache: inout [String: ByteStorage]) throws {
        guard case .external(let location, let offset, let length) = tensor.payload else { return }
        guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw ONNXLoadingError.externalData(tensor: tensor.name, reason: "location '\(location)' leaves the model directory")
        }
        let path = (directory as NSString).appendingPathComponent(location)
        let storage: ByteStorage
        if let cached = cache[path] {
            storage = cached
        } else {
            do { storage = try ByteStorage.mapping(fileAt: path) } catch let error as FileMappingError {
                throw ONNXLoadingError.externalData(tensor: tensor.name, reason: error.description)
            }
            cache[path] = storage
        }
        let byteCount = length ?? (tensor.elementCount * (tensor.dataType.byteWidth ?? 0))
        // Compared without adding: offset and length come from the file and
        // their sum may not fit an Int.
        guard offset >= 0, byteCount >= 0, offset <= storage.count, byteCount <= storage.count - offset else {
            throw ONNXLoadingError.externalData(
                tensor: tensor.name, reason: "\(byteCount) bytes at offset \(offset) exceed the \(storage.count)-byte file '\(location)'")
        }
        tensor.payload = .raw(ByteSlice(storage: storage, range: offset..<(offset + byteCount)))
        try ONNXDecoder.validateElementCount(tensor)
    }
}
