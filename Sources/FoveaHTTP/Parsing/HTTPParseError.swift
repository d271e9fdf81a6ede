/// Why a request could not be read. Each case maps to the status the client
/// gets before the connection is closed; the description is sent as the
/// error message, so it names what the client must fix.
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedRequestLine
    case invalidMethod
    case invalidRequestTarget
    case unsupportedVersion
    case malformedHeaderField
    case obsoleteLineFolding
    case missingHost
    case invalidContentLength
    case conflictingFraming
    case unsupportedTransferEncoding
    case malformedChunk
    case unsupportedExpectation
    case requestLineTooLong(limit: Int)
    case headerTooLarge(limit: Int)
    case bodyTooLarge(limit: Int)

    public var status: HTTPStatus {
        switch self {
        case .malformedRequestLine, .invalidMethod, .invalidRequestTarget, .malformedHeaderField,
             .obsoleteLineFolding, .missingHost, .invalidContentLength, .conflictingFraming, .malformedChunk:
            return .badRequest
        case .unsupportedVersion: return .httpVersionNotSupported
        case .unsupportedTransferEncoding: return .notImplemented
        case .unsupportedExpectation: return .expectationFailed
        case .requestLineTooLong: return .uriTooLong
        case .headerTooLarge: return .requestHeaderFieldsTooLarge
        case .bodyTooLarge: return .contentTooLarge
        }
    }

    /// Stable identifier for the JSON error body.
    public var code: String {
        switch self {
        case .malformedRequestLine: return "malformed_request_line"
        case .invalidMethod: return "invalid_method"
        case .invalidRequestTarget: return "invalid_request_target"
        case .unsupportedVersion: return "http_version_not_supported"
        case .malformedHeaderField: return "malformed_header"
        case .obsoleteLineFolding: return "obsolete_line_folding"
        case .missingHost: return "missing_host"
        case .invalidContentLength: return "invalid_content_length"
        case .conflictingFraming: return "conflicting_framing"
        case .unsupportedTransferEncoding: return "unsupported_transfer_encoding"
        case .malformedChunk: return "malformed_chunk"
        case .unsupportedExpectation: return "expectation_failed"
        case .requestLineTooLong: return "uri_too_long"
        case .headerTooLarge: return "header_too_large"
        case .bodyTooLarge: return "body_too_large"
        }
    }

    public var description: String {
        switch self {
        case .malformedRequestLine:
            return "The request line must be 'METHOD SP request-target SP HTTP/1.x' terminated by CRLF."
        case .invalidMethod: return "The request method is not a valid token."
        case .invalidRequestTarget:
            return "The request target must be an absolute path ('/...'), an absolute URI or '*' with valid percent-encoding."
        case .unsupportedVersion: return "Only HTTP/1.0 and HTTP/1.1 are supported."
        case .malformedHeaderField: return "A header field is not 'name: value' with a token name and printable value."
        case .obsoleteLineFolding: return "Header values folded over several lines (obs-fold) are not accepted; send each field on one line."
        case .missingHost: return "HTTP/1.1 requests need exactly one Host header."
        case .invalidContentLength: return "Content-Length must be one non-negative decimal number."
        case .conflictingFraming:
            return "A request may not carry both Content-Length and Transfer-Encoding (nor Transfer-Encoding on HTTP/1.0)."
        case .unsupportedTransferEncoding: return "Only 'Transfer-Encoding: chunked' is supported for request bodies."
        case .malformedChunk: return "The chunked request body is malformed (bad chunk size line or missing CRLF after a chunk)."
        case .unsupportedExpectation: return "Only 'Expect: 100-continue' is supported."
        case .requestLineTooLong(let limit): return "The request line exceeds \(limit) bytes; shorten the URL."
        case .headerTooLarge(let limit): return "The request header section exceeds \(limit) bytes."
        case .bodyTooLarge(let limit): return "The request body exceeds the limit of \(limit) bytes."
        }
    }
}
