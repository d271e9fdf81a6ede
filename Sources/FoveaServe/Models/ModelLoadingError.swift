/// Why a model could not be added to the pool. The pool is left unchanged.
public enum ModelLoadingError: Error, Equatable, CustomStringConvertible {
    case unreadableLabels(path: String, reason: String)
    case invalidLabels(path: String, reason: String)
    case labelCountMismatch(model: String, labels: Int, outputs: Int)

    public var description: String {
        switch self {
        case .unreadableLabels(let path, let reason):
            "cannot read labels file \(path): \(reason)"
        case .invalidLabels(let path, let reason):
            "labels file \(path) is invalid: \(reason)"
        case .labelCountMismatch(let model, let labels, let outputs):
            "model '\(model)' has \(outputs) output classes but its labels file names \(labels)"
        }
    }
}
