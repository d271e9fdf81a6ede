/// Requests the pool cannot satisfy; each maps to one HTTP status.
public enum ModelPoolError: Error, Equatable, CustomStringConvertible {
    case unknownModel(name: String, available: [String])
    case noModels
    case alreadyLoaded(name: String)
    case activeModelCannotBeRemoved(name: String)

    public var description: String {
        switch self {
        case .unknownModel(let name, let available):
            "No model named '\(name)' is loaded"
                + (available.isEmpty ? "." : "; available: \(available.joined(separator: ", ")).")
        case .noModels:
            "No model is loaded; configure one in fovea.yaml or load one through the admin API."
        case .alreadyLoaded(let name):
            "A model named '\(name)' is already loaded; delete it first or choose another name."
        case .activeModelCannotBeRemoved(let name):
            "'\(name)' is the active model; activate another model before removing it."
        }
    }
}
