/// The seam between the server and the application: the server turns bytes
/// into requests and responses into bytes; everything in between is a responder.
/// Responders cannot fail: failures are responses (see `HTTPResponse.error`).
///
/// The server starts `respond(to:)` with `Task.immediate` on the connection's
/// dispatch queue, so a responder that finishes without suspending (health
/// checks, cached documents) costs no executor hop. The flip side: work done
/// before the first suspension occupies one of Dispatch's worker threads, so
/// long CPU-bound steps belong behind an `await` (an actor, a batcher, a
/// detached task), not inline at the top of a handler.
public protocol HTTPResponder: Sendable {
    func respond(to request: HTTPRequest) async -> HTTPResponse
}
