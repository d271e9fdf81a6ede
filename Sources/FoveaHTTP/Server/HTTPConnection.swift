import Dispatch
import Glibc
import Logging
import Synchronization

/// One client connection: reads and parses requests, runs them through the
/// responder one at a time (pipelined requests wait their turn, so responses
/// leave in order), writes responses and enforces the timeouts.
///
/// Everything is driven by dispatch sources on a private serial queue, so an
/// idle connection costs no thread. Responders start with `Task.immediate`:
/// one that never suspends (a health check) completes inline on this queue
/// without any executor hop; one that suspends hands its response back
/// through `queue.async`.
///
/// All mutable state is confined to `queue`; the only exception is `deadline`,
/// an atomic read by the server's timeout sweep. That confinement is what makes
/// the `@unchecked Sendable` sound.
final class HTTPConnection<Transport: ConnectionTransport>: ManagedConnection, @unchecked Sendable {
    private enum Phase {
        case open
        /// Our side is done (`shutdown(SHUT_WR)` sent) and we read and discard
        /// whatever the client still sends, so closing does not reset the
        /// connection before it has read our final response.
        case lingering(until: UInt64)
        case closed
    }

    /// What is remembered about a request while its responder runs.
    private struct Exchange: Sendable {
        let method: HTTPMethod
        let path: String
        let version: HTTPVersion
        let keepAlive: Bool
        let requestID: String
        let startedAt: UInt64
    }

    private static var readChunkSize: Int { 32 * 1024 }
    /// Pending response bytes beyond which no further pipelined request is
    /// started and no more input is read, so a client that sends but never
    /// reads cannot grow our buffers without bound.
    private static var outputHighWater: Int { 1024 * 1024 }
    private static var inputHighWater: Int { 64 * 1024 }
    private static var lingerDuration: UInt64 { 2_000_000_000 }

    let queue: DispatchQueue
    private let queueKey = DispatchSpecificKey<Bool>()
    private let transport: Transport
    private let context: ConnectionContext
    private let remoteAddress: String?
    private let deadlineStorage = Atomic<UInt64>(.max)

    private var phase = Phase.open
    private var parser: HTTPRequestParser
    private var readSource: DispatchSourceRead?
    private var writeSource: DispatchSourceWrite?
    private var readSuspended = false
    private var writeSuspended = true
    private var pendingCancellations = 0

    private var output: [UInt8] = []
    private var outputOffset = 0
    private var currentHead: HTTPRequestHead?
    private var inFlight = false
    private var processing = false
    private var inputClosed = false
    private var closeAfterFlush = false
    /// Set when we give up on a request mid-stream (parse error, timeout):
    /// unread request bytes are likely, and closing with unread input would
    /// reset the connection and could destroy our error response in transit.
    private var lingerOnClose = false
    private var draining = false
    /// TLS may need the socket to become writable before it can read (and
    /// the reverse); these remember which operation is parked.
    private var readWaitsForWritable = false
    private var writeWaitsForReadable = false

    private var requestsStarted = 0
    private var headStartedAt: UInt64
    private var lastReadAt: UInt64
    private var lastWriteAt: UInt64
    private var lastResponseAt: UInt64?
    private var dateCache = HTTPDateCache()
    private var requestIDs = RequestIDGenerator()

    init(transport: Transport, remoteAddress: String?, context: ConnectionContext, targetQueue: DispatchQueue) {
        let now = DispatchTime.now().uptimeNanoseconds
        self.transport = transport
        self.remoteAddress = remoteAddress
        self.context = context
        self.queue = DispatchQueue(label: "fovea.http.connection", target: targetQueue)
        self.parser = HTTPRequestParser(
            maxHeaderBytes: context.configuration.limits.maxHeaderBytes,
            maxBodyBytes: context.configuration.limits.maxBodyBytes
        )
        self.headStartedAt = now
        self.lastReadAt = now
        self.lastWriteAt = now
        queue.setSpecific(key: queueKey, value: true)
    }

    var deadline: UInt64 { deadlineStorage.load(ordering: .relaxed) }

    /// Installs the read source; from here on the connection drives itself.
    func start() {
        queue.async { [self] in
            let source = DispatchSource.makeReadSource(fileDescriptor: transport.fileDescriptor, queue: queue)
            source.setEventHandler { [self] in handleReadable() }
            source.setCancelHandler { [self] in sourceCancelled() }
            pendingCancellations += 1
            readSource = source
            source.resume()
            refreshDeadline()
        }
    }

    func expire() {
        queue.async { [self] in handleDeadline() }
    }

    func beginDrain() {
        queue.async { [self] in
            draining = true
            switch phase {
            case .open where !inFlight && parser.isIdle && outputOffset == output.count: close()
            case .lingering: close()
            default: break
            }
        }
    }

    func forceClose() {
        queue.async { [self] in close() }
    }

    // MARK: Reading

    private func handleReadable() {
        if writeWaitsForReadable {
            writeWaitsForReadable = false
            flush()
        }
        guard !isClosed, !readWaitsForWritable else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        var sawEndOfStream = false
        var failed = false
        let lingering = isLingering
        withUnsafeTemporaryAllocation(byteCount: Self.readChunkSize, alignment: 16) { buffer in
            while true {
                switch transport.read(into: buffer) {
                case .transferred(let count):
                    if !lingering {
                        if parser.isIdle { headStartedAt = now }
                        parser.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                        lastReadAt = now
                    }
                    if count == buffer.count || transport.hasBufferedInput { continue }
                case .wouldBlock(let readiness):
                    if readiness == .writable {
                        readWaitsForWritable = true
                        armWriteSource()
                    }
                case .endOfStream:
                    sawEndOfStream = true
                case .failed:
                    failed = true
                }
                return
            }
        }
        if failed {
            close()
            return
        }
        if sawEndOfStream {
            inputClosed = true
        }
        if lingering {
            if sawEndOfStream { close() } else { updateReadInterest() }
            return
        }
        advance()
    }

    // MARK: Request processing

    /// Parses and starts as many requests as the current state allows, then
    /// writes what is pending and settles timeouts and read interest.
    private func advance() {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while case .open = phase, !inFlight, !closeAfterFlush, output.count - outputOffset < Self.outputHighWater {
            let event: HTTPRequestParser.Event?
            do {
                event = try parser.next()
            } catch {
                failRequest(error)
                break
            }
            guard let event else { break }
            switch event {
            case .head(let head):
                currentHead = head
                if head.expectsContinue && !parser.hasBodyBytes {
                    output.append(contentsOf: ResponseEncoder.continueResponse)
                }
            case .body(let body):
                if let head = currentHead {
                    currentHead = nil
                    dispatch(head, body: body)
                }
            }
        }
        flush()
        settle()
    }

    private func dispatch(_ head: HTTPRequestHead, body: [UInt8]) {
        requestsStarted += 1
        let keepAlive = head.keepAlive && !draining
            && requestsStarted < context.configuration.maxRequestsPerConnection
        let requestID = requestIDs.requestID(echoing: head.headers["X-Request-ID"])
        let request = HTTPRequest(
            method: head.method,
            target: head.target,
            path: head.path,
            queryItems: head.queryItems,
            version: head.version,
            headers: head.headers,
            body: body,
            requestID: requestID,
            remoteAddress: remoteAddress
        )
        let exchange = Exchange(
            method: head.method,
            path: head.path,
            version: head.version,
            keepAlive: keepAlive,
            requestID: requestID,
            startedAt: headStartedAt
        )
        inFlight = true
        let responder = context.responder
        Task.immediate { [self] in
            let response = await responder.respond(to: request)
            responseReady(response, exchange)
        }
    }

    /// Called on whatever thread the responder finished on.
    private nonisolated func responseReady(_ response: HTTPResponse, _ exchange: Exchange) {
        if DispatchQueue.getSpecific(key: queueKey) == true {
            finish(response, exchange)
        } else {
            queue.async { [self] in finish(response, exchange) }
        }
    }

    private func finish(_ response: HTTPResponse, _ exchange: Exchange) {
        inFlight = false
        guard case .open = phase else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let keepAlive = exchange.keepAlive && !draining
        dateCache.update(now: time(nil))
        let bytes = context.encoder.append(
            response,
            requestID: exchange.requestID,
            keepAlive: keepAlive,
            omitBody: exchange.method == .head,
            date: dateCache.bytes,
            to: &output
        )
        logAccess(exchange, status: response.status, bytes: bytes, now: now)
        if !keepAlive { closeAfterFlush = true }
        lastResponseAt = now
        if !parser.isIdle { headStartedAt = now }
        if !processing { advance() }
    }

    /// Answers a request that cannot be parsed and ends the connection,
    /// because the framing of anything after it is unknown.
    private func failRequest(_ error: HTTPParseError) {
        respondAndClose(
            .error(error.status, code: error.code, message: error.description),
            head: currentHead
        )
    }

    private func respondAndClose(_ response: HTTPResponse, head: HTTPRequestHead?) {
        let now = DispatchTime.now().uptimeNanoseconds
        let exchange = Exchange(
            method: head?.method ?? HTTPMethod("-"),
            path: head?.path ?? "-",
            version: head?.version ?? .http1_1,
            keepAlive: false,
            requestID: requestIDs.requestID(echoing: head?.headers["X-Request-ID"]),
            startedAt: headStartedAt
        )
        dateCache.update(now: time(nil))
        let bytes = context.encoder.append(
            response,
            requestID: exchange.requestID,
            keepAlive: false,
            omitBody: head?.method == .head,
            date: dateCache.bytes,
            to: &output
        )
        logAccess(exchange, status: response.status, bytes: bytes, now: now)
        context.observer?.serverAnswered(method: head?.method, status: response.status,
                                         duration: .nanoseconds(Int64(bitPattern: now &- exchange.startedAt)))
        closeAfterFlush = true
        lingerOnClose = true
    }

    private func logAccess(_ exchange: Exchange, status: HTTPStatus, bytes: Int, now: UInt64) {
        context.logger.log(level: context.configuration.accessLogLevel, "request", metadata: [
            "method": "\(exchange.method)",
            "path": "\(exchange.path)",
            "version": "\(exchange.version)",
            "status": "\(status.code)",
            "bytes": "\(bytes)",
            "duration_ms": "\(Double(now &- exchange.startedAt) / 1_000_000)",
            "request_id": "\(exchange.requestID)",
            "remote": "\(remoteAddress ?? "-")",
        ])
    }

    // MARK: Writing

    private func flush() {
        guard !isClosed else { return }
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { bytes in
                transport.write(UnsafeRawBufferPointer(rebasing: bytes[outputOffset...]))
            }
            switch result {
            case .transferred(let count):
                outputOffset += count
                lastWriteAt = DispatchTime.now().uptimeNanoseconds
            case .wouldBlock(let readiness):
                if readiness == .writable { armWriteSource() } else { writeWaitsForReadable = true }
                return
            case .endOfStream, .failed:
                close()
                return
            }
        }
        if !output.isEmpty {
            output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
            outputOffset = 0
        }
        if !readWaitsForWritable { disarmWriteSource() }
    }

    private func handleWritable() {
        if readWaitsForWritable {
            readWaitsForWritable = false
            handleReadable()
        }
        guard case .open = phase else { return }
        advance()
    }

    private func armWriteSource() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: transport.fileDescriptor, queue: queue)
            source.setEventHandler { [self] in handleWritable() }
            source.setCancelHandler { [self] in sourceCancelled() }
            pendingCancellations += 1
            writeSource = source
        }
        if writeSuspended, let writeSource {
            writeSuspended = false
            writeSource.resume()
        }
    }

    private func disarmWriteSource() {
        if !writeSuspended, let writeSource {
            writeSuspended = true
            writeSource.suspend()
        }
    }

    // MARK: Lifecycle

    /// Decides what follows the latest progress: close, linger, or keep
    /// serving; then adjusts read interest and the timeout.
    private func settle() {
        guard case .open = phase else { return }
        let outputDrained = outputOffset == output.count
        if outputDrained && !inFlight {
            if closeAfterFlush || (draining && parser.isIdle) {
                if lingerOnClose && !inputClosed && !draining { beginLinger() } else { close() }
                return
            }
            if inputClosed {
                close()
                return
            }
        }
        updateReadInterest()
        refreshDeadline()
    }

    private func beginLinger() {
        transport.shutdownOutput()
        phase = .lingering(until: DispatchTime.now().uptimeNanoseconds + Self.lingerDuration)
        updateReadInterest()
        refreshDeadline()
    }

    private func updateReadInterest() {
        guard let readSource else { return }
        let wanted: Bool
        switch phase {
        case .closed: return
        case .lingering: wanted = !inputClosed
        case .open:
            wanted = !inputClosed && parser.bufferedByteCount < Self.inputHighWater
                && output.count - outputOffset < Self.outputHighWater
        }
        if wanted && readSuspended {
            readSuspended = false
            readSource.resume()
        } else if !wanted && !readSuspended {
            readSuspended = true
            readSource.suspend()
        }
    }

    /// The instant the current state times out: header, body, write, idle or linger.
    private func currentDeadline() -> UInt64 {
        let timeouts = context.configuration.timeouts
        switch phase {
        case .closed: return .max
        case .lingering(let until): return until
        case .open:
            if outputOffset < output.count { return lastWriteAt &+ timeouts.write.nanoseconds }
            if inFlight { return .max }
            if parser.isReadingBody { return lastReadAt &+ timeouts.bodyRead.nanoseconds }
            if !parser.isIdle || lastResponseAt == nil { return headStartedAt &+ timeouts.headerRead.nanoseconds }
            return (lastResponseAt ?? headStartedAt) &+ timeouts.keepAliveIdle.nanoseconds
        }
    }

    private func refreshDeadline() {
        deadlineStorage.store(currentDeadline(), ordering: .relaxed)
    }

    private func handleDeadline() {
        let now = DispatchTime.now().uptimeNanoseconds
        let deadline = currentDeadline()
        guard deadline <= now else {
            deadlineStorage.store(deadline, ordering: .relaxed)
            return
        }
        switch phase {
        case .closed: return
        case .lingering: close()
        case .open:
            if outputOffset < output.count || parser.isIdle {
                // A client that stopped reading, or an idle keep-alive connection.
                close()
            } else {
                respondAndClose(
                    .error(.requestTimeout, code: "request_timeout", message: "The request was not received in time."),
                    head: currentHead
                )
                flush()
                settle()
            }
        }
    }

    private var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    private var isLingering: Bool {
        if case .lingering = phase { return true }
        return false
    }

    private func close() {
        guard !isClosed else { return }
        phase = .closed
        deadlineStorage.store(.max, ordering: .relaxed)
        if let readSource {
            if readSuspended { readSource.resume() }
            readSource.cancel()
        }
        if let writeSource {
            if writeSuspended { writeSource.resume() }
            writeSource.cancel()
        }
        if pendingCancellations == 0 { release() }
    }

    private func sourceCancelled() {
        pendingCancellations -= 1
        if pendingCancellations == 0 { release() }
    }

    /// The descriptor is closed only after both sources are cancelled, so no
    /// source can ever watch a recycled descriptor number.
    private func release() {
        context.registry.remove(self)
        transport.close()
    }
}
