/// Why a model could not be added to the pool. The pool is left unchanged.
public enum ModelLoadingError: Error, Equatable, CustomStringConvertible {
    case unreadableLabels(path: String, reason: String)
    case invalidLabels(path: String, reason: String)
    case labelCountMismatch(model: String, labels: Int, outputs: Int)
    case invalidModel(model: String, path: String, reason: String)
    case inputMismatch(model: String, modelInput: String, preprocessed: [Int])
    case unsupportedSignature(model: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableLabels(let path, let reason):
            "cannot read labels file \(path): \(reason)"
        case .invalidLabels(let path, let reason):
            "labels file \(path) is invalid: \(reason)"
        case .labelCountMismatch(let model, let labels, let outputs):
            "model '\(model)' has \(outputs) output classes but its labels file names \(labels)"
        case .invalidModel(let model, let path, let reason):
            "model '\(model)' (\(path)) cannot be loaded: \(reason)"
        case .inputMismatch(let model, let modelInput, let preprocessed):
            "model '\(model)' takes input \(modelInput) but its preprocess settings produce "
                + "[N, \(preprocessed.map(String.init).joined(separator: ", "))]; "
                + "adjust preprocess.resize/crop/layout to the model's input"
        case .unsupportedSignature(let model, let reason):
            "model '\(model)' is not an image classifier Fovea can serve: \(reason)"
        }
    }
}
