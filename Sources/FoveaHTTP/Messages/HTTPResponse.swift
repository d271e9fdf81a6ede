import Foundation

/// A complete response. The server owns the framing headers (`Content-Length`,
/// `Connection`, `Date`, `Server`, `X-Request-ID`), so a responder only states
/// status, its own headers and the body.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// A JSON response from already-encoded bytes, for callers that cache or
    /// hand-build their JSON.
    public static func json(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }

    /// A JSON response encoding `value`.
    public static func json(
        _ value: some Encodable,
        status: HTTPStatus = .ok,
        encoder: JSONEncoder = JSONEncoder()
    ) throws -> HTTPResponse {
        json(bytes: Array(try encoder.encode(value)), status: status)
    }

    /// The service-wide error shape `{"error":{"code":"...","message":"..."}}`:
    /// `code` is a stable machine-readable identifier, `message` is for humans.
    public static func error(_ status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        var body = Array(#"{"error":{"code":"#.utf8)
        JSONString.append(code, to: &body)
        body.append(contentsOf: #","message":"#.utf8)
        JSONString.append(message, to: &body)
        body.append(contentsOf: "}}".utf8)
        return json(bytes: body, status: status)
    }
}

/// Minimal JSON string literal encoding for the error shape, so every error
/// response does not pay for a `JSONEncoder`.
enum JSONString {
    static func append(_ string: String, to output: inout [UInt8]) {
        output.append(ASCII.quote)
        for byte in string.utf8 {
            switch byte {
            case ASCII.quote: output.append(contentsOf: #"\""#.utf8)
            case 0x5C: output.append(contentsOf: #"\\"#.utf8)
            case ASCII.lineFeed: output.append(contentsOf: #"\n"#.utf8)
            case ASCII.carriageReturn: output.append(contentsOf: #"\r"#.utf8)
            case ASCII.tab: output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(ASCII.quote)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
