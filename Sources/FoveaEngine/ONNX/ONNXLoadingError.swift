/// Why an ONNX file could not be turned into a model. Messages name the file
/// part, node or value involved so a user can fix the export.
public enum ONNXLoadingError: Error, CustomStringConvertible, Equatable {
    case malformed(part: String, underlying: ProtobufError)
    case notAModel(reason: String)
    case unsupportedDataType(tensor: String, dataType: Int)
    case inconsistentTensor(tensor: String, reason: String)
    case externalData(tensor: String, reason: String)

    public var description: String {
        switch self {
        case .malformed(let part, let underlying):
            return "malformed ONNX \(part): \(underlying)"
        case .notAModel(let reason):
            return "not an ONNX model: \(reason)"
        case .unsupportedDataType(let tensor, let dataType):
            let name = ONNXDataType(rawValue: dataType)?.description ?? "data type \(dataType)"
            return "tensor '\(tensor)' has unsupported element type \(name)"
        case .inconsistentTensor(let tensor, let reason):
            return "tensor '\(tensor)' is inconsistent: \(reason)"
        case .externalData(let tensor, let reason):
            return "external data of tensor '\(tensor)': \(reason)"
        }
    }
}
