/// The request line and header section of a request, with the framing and
/// connection semantics already derived from them.
public struct HTTPRequestHead: Sendable {
    public var method: HTTPMethod
    public var target: String
    public var path: String
    public var queryItems: [HTTPQueryItem]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var bodyFraming: BodyFraming
    /// Whether the client wants the connection kept open afterwards (HTTP/1.1
    /// default unless `Connection: close`; HTTP/1.0 only with `keep-alive`).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on a request that has a body.
    public var expectsContinue: Bool

    /// How the end of the body is found (RFC 9112 §6.3).
    public enum BodyFraming: Sendable, Equatable {
        case none
        case contentLength(Int)
        case chunked
    }
}
