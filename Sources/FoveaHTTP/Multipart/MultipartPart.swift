/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable {
    public let headers: HTTPHeaders
    /// The form field name from `Content-Disposition`.
    public let name: String?
    /// The original file name, present for file uploads.
    public let filename: String?
    /// The part's own `Content-Type` (`text/plain` is implied when absent).
    public let contentType: String?
    /// The part's content: a slice sharing the request body's storage, so a
    /// multi-megabyte upload is never copied by parsing.
    public let body: ArraySlice<UInt8>
}
