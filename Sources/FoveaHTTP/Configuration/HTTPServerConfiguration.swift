import Logging

/// Everything an operator can tune about the HTTP server.
///
/// The defaults are chosen for an inference service behind a load balancer or a
/// Kubernetes Service: image uploads of a few MiB, clients that keep connections
/// open, and a termination grace period of 30 s (hence a 25 s drain).
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind. `"::"` (the default) listens on every IPv6 and IPv4
    /// interface through one dual-stack socket, falling back to `"0.0.0.0"` on
    /// hosts without IPv6. `"0.0.0.0"` binds IPv4 only; a name or literal address
    /// binds the first address it resolves to.
    public var host: String
    /// TCP port; `0` asks the kernel for an ephemeral port (see `HTTPServer.port`).
    public var port: Int
    /// Pending-connection queue length passed to `listen(2)` (capped by `somaxconn`).
    public var backlog: Int32
    public var limits: Limits
    public var timeouts: Timeouts
    /// Maximum simultaneously open connections. Connections beyond it receive a
    /// `503` and are closed, so an overload degrades into fast failures instead
    /// of exhausting file descriptors.
    public var maxConnections: Int
    /// After this many requests a connection is answered with `Connection: close`,
    /// which spreads long-lived clients across replicas over time.
    public var maxRequestsPerConnection: Int
    /// Value of the `Server` response header.
    public var serverName: String
    /// Level at which every completed request is logged.
    public var accessLogLevel: Logger.Level
    /// Certificate and key for HTTPS; `nil` serves plain HTTP.
    public var tls: TLSConfiguration?

    public init(
        host: String = "::",
        port: Int = 8080,
        backlog: Int32 = 1024,
        limits: Limits = Limits(),
        timeouts: Timeouts = Timeouts(),
        maxConnections: Int = 10_000,
        maxRequestsPerConnection: Int = 10_000,
        serverName: String = "Fovea",
        accessLogLevel: Logger.Level = .info,
        tls: TLSConfiguration? = nil
    ) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.limits = limits
        self.timeouts = timeouts
        self.maxConnections = maxConnections
        self.maxRequestsPerConnection = maxRequestsPerConnection
        self.serverName = serverName
        self.accessLogLevel = accessLogLevel
        self.tls = tls
    }

    /// Size limits that bound how much memory one client can make the server hold.
    public struct Limits: Sendable {
        /// Request line plus header fields (and chunked trailers); beyond it: `431`.
        public var maxHeaderBytes: Int
        /// Decoded request body; beyond it: `413`, sent before reading the body
        /// when `Content-Length` already announces a larger one.
        public var maxBodyBytes: Int

        public init(maxHeaderBytes: Int = 16 * 1024, maxBodyBytes: Int = 20 * 1024 * 1024) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// Time limits that keep slow or silent clients from pinning connections.
    public struct Timeouts: Sendable {
        /// From the first byte of a request (or from accepting the connection)
        /// until its header section is complete; beyond it: `408` and close.
        public var headerRead: Duration
        /// Longest pause between two pieces of a request body; beyond it: `408`.
        public var bodyRead: Duration
        /// How long a keep-alive connection may sit idle between requests.
        public var keepAliveIdle: Duration
        /// Longest pause while the client does not accept response bytes.
        public var write: Duration
        /// How long `run()` lets in-flight requests finish after SIGTERM/SIGINT.
        public var drain: Duration

        public init(
            headerRead: Duration = .seconds(10),
            bodyRead: Duration = .seconds(30),
            keepAliveIdle: Duration = .seconds(75),
            write: Duration = .seconds(30),
            drain: Duration = .seconds(25)
        ) {
            self.headerRead = headerRead
            self.bodyRead = bodyRead
            self.keepAliveIdle = keepAliveIdle
            self.write = write
            self.drain = drain
        }
    }

    /// PEM files for serving HTTPS.
    public struct TLSConfiguration: Sendable {
        public var certificateChainPath: String
        public var privateKeyPath: String

        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating, for arithmetic on `DispatchTime` uptimes.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (scaled, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}
