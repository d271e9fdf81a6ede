/// The `server:` section of `fovea.yaml`: where to listen and how much any one
/// client may cost us. Defaults are what a public-facing deployment should run
/// with; every value can be tightened per deployment.
public struct ServerSettings: Sendable, Equatable, Decodable {
    /// `::` listens on IPv6 and, where the kernel allows, IPv4 as well.
    public var host: String = "::"
    public var port: Int = 8080
    /// Cores given to inference (oneDNN/OpenMP). `nil` means all cores.
    public var threads: Int?
    public var limits = Limits()
    public var timeouts = Timeouts()
    public var tls: TLSSettings?

    public init() {}

    public struct Limits: Sendable, Equatable, Decodable {
        public var maxHeaderBytes = 16 * 1024
        public var maxBodyBytes = 20 * 1024 * 1024
        public var maxConnections = 4096
        public var maxRequestsPerConnection = 10_000
        public var backlog = 1024

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case maxHeaderBytes = "max_header_bytes"
            case maxBodyBytes = "max_body_bytes"
            case maxConnections = "max_connections"
            case maxRequestsPerConnection = "max_requests_per_connection"
            case backlog
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxHeaderBytes = try c.positive(.maxHeaderBytes) ?? maxHeaderBytes
            maxBodyBytes = try c.positive(.maxBodyBytes) ?? maxBodyBytes
            maxConnections = try c.positive(.maxConnections) ?? maxConnections
            maxRequestsPerConnection = try c.positive(.maxRequestsPerConnection) ?? maxRequestsPerConnection
            backlog = try c.positive(.backlog) ?? backlog
        }
    }

    /// All in seconds (fractions allowed).
    public struct Timeouts: Sendable, Equatable, Decodable {
        public var headerRead = 10.0
        public var bodyRead = 30.0
        public var keepAliveIdle = 60.0
        /// How long a SIGTERM waits for in-flight requests; keep it below the
        /// orchestrator's grace period (Kubernetes: 30 s by default).
        public var drain = 25.0

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case headerRead = "header_read"
            case bodyRead = "body_read"
            case keepAliveIdle = "keep_alive_idle"
            case drain
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            headerRead = try c.positive(.headerRead) ?? headerRead
            bodyRead = try c.positive(.bodyRead) ?? bodyRead
            keepAliveIdle = try c.positive(.keepAliveIdle) ?? keepAliveIdle
            drain = try c.positive(.drain) ?? drain
        }
    }

    /// TLS is on when both files are given; HTTP otherwise.
    public struct TLSSettings: Sendable, Equatable, Decodable {
        public var certificate: String
        public var privateKey: String

        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case certificate
            case privateKey = "private_key"
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            certificate = try c.decode(String.self, forKey: .certificate)
            privateKey = try c.decode(String.self, forKey: .privateKey)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, threads, limits, timeouts, tls
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? host
        if let port = try c.decodeIfPresent(Int.self, forKey: .port) {
            guard (0...65535).contains(port) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .port, in: c, debugDescription: "must be between 0 and 65535, got \(port)")
            }
            self.port = port
        }
        threads = try c.positive(.threads)
        limits = try c.decodeIfPresent(Limits.self, forKey: .limits) ?? limits
        timeouts = try c.decodeIfPresent(Timeouts.self, forKey: .timeouts) ?? timeouts
        tls = try c.decodeIfPresent(TLSSettings.self, forKey: .tls)
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional number that must be greater than zero: a zero limit
    /// or timeout is always a configuration mistake, never a wish.
    func positive<T: Decodable & Comparable & Numeric>(_ key: Key) throws -> T? {
        guard let value = try decodeIfPresent(T.self, forKey: key) else { return nil }
        guard value > .zero else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "must be greater than 0, got \(value)")
        }
        return value
    }
}
