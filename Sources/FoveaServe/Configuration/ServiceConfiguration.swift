/// Everything `fovea serve` needs to know, as read from `fovea.yaml` and then
/// overridden by environment variables and command-line flags (in that order:
/// the most specific source wins).
public struct ServiceConfiguration: Sendable, Equatable, Decodable {
    public var server = ServerSettings()
    public var admin = AdminSettings()
    /// The only directory the admin API may load models from.
    public var modelDirectory = "models"
    public var models: [ModelSettings] = []
    /// The model `/classify` uses when the request names none; defaults to
    /// the first model listed.
    public var activeModel: String?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, admin, models
        case modelDirectory = "model_dir"
        case activeModel = "active_model"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        server = try c.decodeIfPresent(ServerSettings.self, forKey: .server) ?? server
        admin = try c.decodeIfPresent(AdminSettings.self, forKey: .admin) ?? admin
        modelDirectory = try c.decodeIfPresent(String.self, forKey: .modelDirectory) ?? modelDirectory
        models = try c.decodeIfPresent([ModelSettings].self, forKey: .models) ?? []
        var seen = Set<String>()
        for (index, model) in models.enumerated() where !seen.insert(model.name).inserted {
            throw DecodingError.dataCorrupted(.init(
                codingPath: c.codingPath + [CodingKeys.models, AnyCodingKey(intValue: index)!, ModelSettings.CodingKeys.name],
                debugDescription: "model name '\(model.name)' is used twice"))
        }
        activeModel = try c.decodeIfPresent(String.self, forKey: .activeModel)
        if let activeModel, !seen.contains(activeModel) {
            let known = models.map(\.name).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: .activeModel, in: c,
                debugDescription: "no model named '\(activeModel)' is configured" + (known.isEmpty ? "" : " (models: \(known))"))
        }
    }

    /// Makes relative paths relative to the configuration file's directory.
    func resolvingPaths(against directory: String) -> ServiceConfiguration {
        var copy = self
        copy.modelDirectory = resolvePath(modelDirectory, against: directory)
        copy.models = models.map { $0.resolvingPaths(against: directory) }
        return copy
    }
}

/// The `admin:` section. The admin API exists only when a token is set, so a
/// default install exposes no way to change what it serves.
public struct AdminSettings: Sendable, Equatable, Decodable {
    public var token: String?

    public init(token: String? = nil) { self.token = token }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case token
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let token = try c.decodeIfPresent(String.self, forKey: .token)
        self.token = (token?.isEmpty ?? true) ? nil : token
    }
}
