import COpenSSL
import Glibc

/// TLS over a non-blocking socket. OpenSSL reports `WANT_READ`/`WANT_WRITE`
/// when the socket would block, which maps onto the connection's readiness
/// waits; a read can need writability during the handshake and vice versa.
final class TLSTransport: ConnectionTransport {
    let fileDescriptor: Int32
    private let session: OpaquePointer

    init(session: OpaquePointer, fileDescriptor: Int32) {
        self.session = session
        self.fileDescriptor = fileDescriptor
    }

    var hasBufferedInput: Bool { SSL_pending(session) > 0 }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        ERR_clear_error()
        let count = SSL_read(session, buffer.baseAddress, Int32(clamping: buffer.count))
        if count > 0 { return .transferred(Int(count)) }
        return outcome(ofFailed: count, isRead: true)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        guard !bytes.isEmpty else { return .transferred(0) }
        ERR_clear_error()
        let count = SSL_write(session, bytes.baseAddress, Int32(clamping: bytes.count))
        if count > 0 { return .transferred(Int(count)) }
        return outcome(ofFailed: count, isRead: false)
    }

    private func outcome(ofFailed status: Int32, isRead: Bool) -> TransportResult {
        switch SSL_get_error(session, status) {
        case SSL_ERROR_WANT_READ: return .wouldBlock(waitFor: .readable)
        case SSL_ERROR_WANT_WRITE: return .wouldBlock(waitFor: .writable)
        case SSL_ERROR_ZERO_RETURN: return isRead ? .endOfStream : .failed
        default:
            // Handshake failures (a plain-HTTP client, an old protocol) and
            // unclean EOFs end the connection; the error queue is discarded.
            ERR_clear_error()
            return .failed
        }
    }

    func shutdownOutput() {
        ERR_clear_error()
        _ = SSL_shutdown(session)
        ERR_clear_error()
        _ = Glibc.shutdown(fileDescriptor, Int32(SHUT_WR))
    }

    func close() {
        SSL_free(session)
        _ = Glibc.close(fileDescriptor)
    }
}
