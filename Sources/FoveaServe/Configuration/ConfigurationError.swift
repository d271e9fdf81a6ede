/// A configuration problem, phrased so the operator can fix the file without
/// reading our source: which file, which key, what is wrong.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalidYAML(file: String, reason: String)
    case invalidValue(file: String, key: String, reason: String)
    case invalidEnvironment(variable: String, value: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read configuration: \(reason)"
        case .invalidYAML(let file, let reason):
            "\(file): not valid YAML: \(reason)"
        case .invalidValue(let file, let key, let reason):
            "\(file): key '\(key)': \(reason)"
        case .invalidEnvironment(let variable, let value, let reason):
            "environment variable \(variable)=\(value): \(reason)"
        }
    }
}
