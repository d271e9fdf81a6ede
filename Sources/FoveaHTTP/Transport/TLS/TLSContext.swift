import COpenSSL

/// The server's OpenSSL configuration: certificate, key and protocol policy.
///
/// Policy: TLS 1.2 and 1.3 only; for TLS 1.2 only forward-secret AEAD suites
/// (ECDHE with AES-GCM or ChaCha20-Poly1305), server preference, no
/// compression (CRIME) and no renegotiation. TLS 1.3 uses OpenSSL's default
/// suites, which are all modern.
///
/// `SSL_CTX` is safe to share across threads once configured; it is never
/// modified after `init`, which is what makes `@unchecked Sendable` sound.
final class TLSContext: @unchecked Sendable {
    private let context: OpaquePointer

    private static let tls12CipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    // Bit values of SSL_OP_* and SSL_MODE_* (function-like macros Swift cannot import).
    private static let optionNoCompression: UInt64 = 1 << 17
    private static let optionServerPreference: UInt64 = 1 << 22
    private static let optionNoRenegotiation: UInt64 = 1 << 30
    private static let modeEnablePartialWrite = 0x1
    private static let modeAcceptMovingWriteBuffer = 0x2

    init(certificateChainPath: String, privateKeyPath: String) throws(HTTPServerError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw .tlsSetup(message: "SSL_CTX_new failed: \(TLSContext.drainErrors())")
        }
        self.context = context
        guard SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil) == 1 else {
            throw .tlsSetup(message: "cannot require TLS 1.2 or newer: \(TLSContext.drainErrors())")
        }
        _ = SSL_CTX_set_options(
            context,
            TLSContext.optionNoCompression | TLSContext.optionServerPreference | TLSContext.optionNoRenegotiation
        )
        _ = SSL_CTX_ctrl(
            context, SSL_CTRL_MODE,
            TLSContext.modeEnablePartialWrite | TLSContext.modeAcceptMovingWriteBuffer, nil
        )
        guard SSL_CTX_set_cipher_list(context, TLSContext.tls12CipherList) == 1 else {
            throw .tlsSetup(message: "cipher list rejected: \(TLSContext.drainErrors())")
        }
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainPath) == 1 else {
            throw .tlsSetup(message: "cannot load certificate chain '\(certificateChainPath)' (PEM expected): \(TLSContext.drainErrors())")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw .tlsSetup(message: "cannot load private key '\(privateKeyPath)' (unencrypted PEM expected): \(TLSContext.drainErrors())")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .tlsSetup(message: "the private key does not match the certificate: \(TLSContext.drainErrors())")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// A server-side TLS session on an accepted socket; the handshake happens
    /// during the first reads.
    func makeTransport(fileDescriptor: Int32) -> TLSTransport? {
        guard let session = SSL_new(context) else { return nil }
        guard SSL_set_fd(session, fileDescriptor) == 1 else {
            SSL_free(session)
            return nil
        }
        SSL_set_accept_state(session)
        return TLSTransport(session: session, fileDescriptor: fileDescriptor)
    }

    /// OpenSSL's queued error messages, emptying this thread's error queue.
    static func drainErrors() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            messages.append(String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no details from OpenSSL" : messages.joined(separator: "; ")
    }
}
