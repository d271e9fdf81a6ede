import Foundation
import Yams

/// Reads `fovea.yaml` and applies `FOVEA_*` environment overrides, turning
/// every decoding failure into a `ConfigurationError` that names the key.
public struct ConfigurationLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func load(file path: String) throws(ConfigurationError) -> ServiceConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        let directory = (path as NSString).deletingLastPathComponent
        var configuration = try decode(text, file: path).resolvingPaths(against: directory.isEmpty ? "." : directory)
        try applyEnvironment(to: &configuration)
        return configuration
    }

    /// Decodes YAML text; `file` is only used to label errors.
    public func decode(_ text: String, file: String) throws(ConfigurationError) -> ServiceConfiguration {
        do {
            // An empty file is a valid "all defaults" configuration.
            if try Yams.compose(yaml: text) == nil { return ServiceConfiguration() }
            return try YAMLDecoder().decode(ServiceConfiguration.self, from: text)
        } catch let error as DecodingError {
            throw Self.describe(error, file: file)
        } catch {
            throw .invalidYAML(file: file, reason: String(describing: error))
        }
    }

    /// Environment variables win over the file so that one image and one
    /// config can serve many deployments (the Kubernetes way of configuring).
    func applyEnvironment(to configuration: inout ServiceConfiguration) throws(ConfigurationError) {
        if let value = environment["FOVEA_HOST"], !value.isEmpty {
            configuration.server.host = value
        }
        if let value = environment["FOVEA_PORT"], !value.isEmpty {
            guard let port = Int(value), (0...65535).contains(port) else {
                throw .invalidEnvironment(variable: "FOVEA_PORT", value: value,
                                          reason: "must be a port number between 0 and 65535")
            }
            configuration.server.port = port
        }
        if let value = environment["FOVEA_THREADS"], !value.isEmpty {
            guard let threads = Int(value), threads > 0 else {
                throw .invalidEnvironment(variable: "FOVEA_THREADS", value: value,
                                          reason: "must be a positive number of threads")
            }
            configuration.server.threads = threads
        }
        if let value = environment["FOVEA_ADMIN_TOKEN"] {
            configuration.admin.token = value.isEmpty ? nil : value
        }
    }

    private static func describe(_ error: DecodingError, file: String) -> ConfigurationError {
        guard let (key, reason) = error.keyAndReason else {
            return .invalidYAML(file: file, reason: String(describing: error))
        }
        return .invalidValue(file: file, key: key, reason: reason)
    }
}
