import Dispatch
import Glibc
import Logging
import Synchronization

/// An HTTP/1.1 server on non-blocking POSIX sockets driven by Dispatch sources.
///
/// ```swift
/// let server = HTTPServer(configuration: configuration, responder: router, logger: logger)
/// try await server.run()   // until SIGTERM/SIGINT, then drains and returns
/// ```
///
/// Tests use `start()` with port 0, read `port`, and end with `shutdown()`.
/// `start()` ignores SIGPIPE process-wide: a client that disconnects while we
/// write (through TLS, where `MSG_NOSIGNAL` cannot be used) must produce an
/// error, not kill the service.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let context: ConnectionContext
    private let registry = ConnectionRegistry()
    private let acceptQueue = DispatchQueue(label: "fovea.http.accept")
    private let connectionQueue = DispatchQueue.global()
    private let logger: Logger
    private let state = Mutex(ServerState())
    private let refusedConnections = Atomic<Int>(0)

    /// `observer` hears about the responses the server sends without
    /// asking `responder` (see `HTTPServerObserver`).
    public init(configuration: HTTPServerConfiguration, responder: some HTTPResponder, logger: Logger,
                observer: (any HTTPServerObserver)? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.context = ConnectionContext(
            configuration: configuration,
            responder: responder,
            logger: logger,
            registry: registry,
            observer: observer
        )
    }

    /// The bound port once started (the kernel's choice when configured as 0).
    public var port: Int? { state.withLock { $0.port } }

    /// Number of currently open client connections.
    public var connectionCount: Int { registry.count }

    /// Binds and starts accepting; returns as soon as the socket listens.
    public func start() throws {
        try state.withLock { state throws(HTTPServerError) in
            guard case .idle = state.lifecycle else { throw .alreadyStarted }
            signal(SIGPIPE, SIG_IGN)
            let tls = try configuration.tls.map { (files) throws(HTTPServerError) in
                try TLSContext(certificateChainPath: files.certificateChainPath, privateKeyPath: files.privateKeyPath)
            }
            let socket = try ListeningSocket.bind(
                host: configuration.host,
                port: configuration.port,
                backlog: configuration.backlog
            )
            let descriptor = socket.fileDescriptor
            let sources = ServerSources(
                accept: DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: acceptQueue),
                sweep: DispatchSource.makeTimerSource(queue: acceptQueue)
            )
            sources.accept.setEventHandler { [self] in acceptPending(listener: descriptor, sources: sources, tls: tls) }
            sources.accept.setCancelHandler { Glibc.close(descriptor) }
            let interval = sweepInterval()
            sources.sweep.schedule(deadline: .now() + .nanoseconds(Int(interval)), repeating: .nanoseconds(Int(interval)),
                                   leeway: .nanoseconds(Int(interval / 4)))
            sources.sweep.setEventHandler { [self] in sweepTimeouts() }

            state.port = socket.port
            state.lifecycle = .running(sources)
            sources.accept.resume()
            sources.sweep.resume()
        }
        logger.info("HTTP server listening", metadata: [
            "host": "\(configuration.host)", "port": "\(port ?? configuration.port)",
            "tls": "\(configuration.tls != nil)",
        ])
    }

    /// Starts if needed, serves until SIGTERM or SIGINT, then drains for at
    /// most `configuration.timeouts.drain` and returns, so the caller can exit 0.
    public func run() async throws {
        if state.withLock({ if case .idle = $0.lifecycle { true } else { false } }) {
            try start()
        }
        let signalNumber = await TerminationSignals.wait()
        logger.info("Received termination signal; draining connections", metadata: ["signal": "\(signalNumber)"])
        await shutdown()
    }

    /// Graceful stop: stop accepting, let in-flight requests finish and close
    /// idle keep-alive connections; whatever is still open after `drainTimeout`
    /// (default: the configured drain timeout) is closed forcibly.
    public func shutdown(drainTimeout: Duration? = nil) async {
        let sources: ServerSources? = state.withLock { state in
            guard case .running(let sources) = state.lifecycle else { return nil }
            state.lifecycle = .stopped
            return sources
        }
        guard let sources else { return }
        sources.accept.cancel()

        let clock = ContinuousClock()
        let deadline = clock.now + (drainTimeout ?? configuration.timeouts.drain)
        for connection in registry.snapshot() { connection.beginDrain() }
        while registry.count > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let remaining = registry.snapshot()
        if !remaining.isEmpty {
            logger.warning("Drain timeout reached; closing connections", metadata: ["connections": "\(remaining.count)"])
            for connection in remaining { connection.forceClose() }
            let forceDeadline = clock.now + .seconds(1)
            while registry.count > 0 && clock.now < forceDeadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        sources.sweep.cancel()
        logger.info("HTTP server stopped")
    }

    // MARK: Accepting

    private func acceptPending(listener: Int32, sources: ServerSources, tls: TLSContext?) {
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listener, $0, &length)
                }
            }
            guard descriptor >= 0 else {
                let code = errno
                switch code {
                case EINTR, ECONNABORTED: continue
                case EAGAIN, EWOULDBLOCK: return
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: back off instead of spinning on
                    // a listener that stays readable.
                    logger.error("accept() failed; pausing accepts for 100 ms", metadata: ["error": "\(SystemError.message(code))"])
                    sources.accept.suspend()
                    acceptQueue.asyncAfter(deadline: .now() + .milliseconds(100)) { sources.accept.resume() }
                    return
                default:
                    logger.error("accept() failed", metadata: ["error": "\(SystemError.message(code))"])
                    return
                }
            }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            var noDelay: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            guard registry.count < configuration.maxConnections else {
                refuse(descriptor)
                continue
            }
            let remote = SocketAddress.describe(address).map { "\($0.host):\($0.port)" }
            if let tls {
                guard let transport = tls.makeTransport(fileDescriptor: descriptor) else {
                    logger.error("Cannot create a TLS session", metadata: ["error": "\(TLSContext.drainErrors())"])
                    Glibc.close(descriptor)
                    continue
                }
                serve(HTTPConnection(transport: transport, remoteAddress: remote, context: context, targetQueue: connectionQueue))
            } else {
                let transport = PlainSocketTransport(fileDescriptor: descriptor)
                serve(HTTPConnection(transport: transport, remoteAddress: remote, context: context, targetQueue: connectionQueue))
            }
        }
    }

    private func serve<Transport>(_ connection: HTTPConnection<Transport>) {
        registry.add(connection)
        connection.start()
    }

    /// Answers a connection over the limit with a `503` without allocating any
    /// connection state, then closes it.
    private func refuse(_ descriptor: Int32) {
        refusedConnections.add(1, ordering: .relaxed)
        Self.refusalResponse.withUnsafeBytes { bytes in
            _ = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        Glibc.shutdown(descriptor, Int32(SHUT_WR))
        withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 1) { buffer in
            _ = recv(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        }
        Glibc.close(descriptor)
    }

    private static let refusalResponse: [UInt8] = {
        let body = #"{"error":{"code":"too_many_connections","message":"The server is at its connection limit; retry shortly."}}"#
        return Array((
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        ).utf8)
    }()

    // MARK: Timeouts

    /// A quarter of the shortest timeout, between 50 ms and 1 s: timeouts fire
    /// late by at most that much, while idle servers wake rarely.
    private func sweepInterval() -> UInt64 {
        let timeouts = configuration.timeouts
        let shortest = [timeouts.headerRead, timeouts.bodyRead, timeouts.keepAliveIdle, timeouts.write]
            .map(\.nanoseconds).min() ?? 1_000_000_000
        return min(max(shortest / 4, 50_000_000), 1_000_000_000)
    }

    private func sweepTimeouts() {
        let now = DispatchTime.now().uptimeNanoseconds
        for connection in registry.snapshot() where connection.deadline <= now {
            connection.expire()
        }
        let refused = refusedConnections.exchange(0, ordering: .relaxed)
        if refused > 0 {
            logger.warning("Refused connections over the limit", metadata: [
                "refused": "\(refused)", "max_connections": "\(configuration.maxConnections)",
            ])
        }
    }
}

/// Dispatch sources owned by a running server. Dispatch sources are
/// thread-safe objects and these references never change, which is what makes
/// sharing them across threads sound.
private final class ServerSources: @unchecked Sendable {
    let accept: DispatchSourceRead
    let sweep: DispatchSourceTimer

    init(accept: DispatchSourceRead, sweep: DispatchSourceTimer) {
        self.accept = accept
        self.sweep = sweep
    }
}

private struct ServerState: Sendable {
    enum Lifecycle: Sendable {
        case idle
        case running(ServerSources)
        case stopped
    }

    var lifecycle = Lifecycle.idle
    var port: Int?
}
