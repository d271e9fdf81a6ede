/// The seam between the server and the application: the server turns bytes
/// into requests and responses into bytes; everything in between is a responder.
/// Responders cannot fail: failures are responses (see `HTTPResponse.error`).
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}
