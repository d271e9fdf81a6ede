/// Everything `fovea serve` needs to know, as read from `fovea.yaml` and then
/// overridden by environment variables and command-line flags (in that order:
/// the most specific source wins).
public struct ServiceConfiguration: Sendable, Equatable, Decodable {
    public var server = ServerSettings()
    public var admin = AdminSettings()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case server, admin
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        server = try c.decodeIfPresent(ServerSettings.self, forKey: .server) ?? server
        admin = try c.decodeIfPresent(AdminSettings.self, forKey: .admin) ?? admin
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
