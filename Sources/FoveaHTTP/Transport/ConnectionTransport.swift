/// Outcome of one non-blocking read or write.
enum TransportResult {
    case transferred(Int)
    /// Nothing can move now; retry when the socket becomes ready in this
    /// direction (TLS may need to write while reading and vice versa).
    case wouldBlock(waitFor: SocketReadiness)
    /// The peer closed its sending side (reads only).
    case endOfStream
    case failed
}

enum SocketReadiness {
    case readable, writable
}

/// The byte stream under one HTTP connection: the plain socket or TLS on top
/// of it. Implementations are used only from their connection's queue.
protocol ConnectionTransport: AnyObject, SendableMetatype {
    var fileDescriptor: Int32 { get }
    /// Whether decrypted input is waiting inside the transport, which the
    /// socket's readiness cannot reveal.
    var hasBufferedInput: Bool { get }
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult
    /// Ends our sending direction (TLS close_notify + `shutdown(SHUT_WR)`)
    /// while still letting the peer's pending bytes be read and discarded.
    func shutdownOutput()
    /// Releases the socket; called exactly once, after the dispatch sources are cancelled.
    func close()
}
