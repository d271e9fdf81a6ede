/// Why a `multipart/form-data` body was rejected; messages say what the client must fix.
public enum MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    case notMultipartFormData(contentType: String?)
    case invalidBoundary
    case missingOpeningBoundary
    case missingClosingBoundary
    case malformedPartHeaders
    case partHeadersTooLarge(limit: Int)
    case tooManyParts(limit: Int)

    public var description: String {
        switch self {
        case .notMultipartFormData(let contentType):
            return "Expected Content-Type 'multipart/form-data; boundary=...', got '\(contentType ?? "none")'."
        case .invalidBoundary: return "The multipart boundary parameter must be 1 to 70 characters."
        case .missingOpeningBoundary: return "The multipart body does not start with its boundary delimiter."
        case .missingClosingBoundary: return "The multipart body ends before its closing boundary ('--boundary--')."
        case .malformedPartHeaders: return "A multipart part has malformed headers."
        case .partHeadersTooLarge(let limit): return "A multipart part's headers exceed \(limit) bytes."
        case .tooManyParts(let limit): return "The multipart body has more than \(limit) parts."
        }
    }
}
