/// A cross-cutting step wrapped around a responder (authentication, metrics,
/// header policies): it sees every request and may answer itself or call `next`.
public protocol HTTPMiddleware: Sendable {
    func respond(to request: HTTPRequest, next: any HTTPResponder) async -> HTTPResponse
}

extension HTTPResponder {
    /// This responder behind `middleware`; chain calls to stack several, the
    /// last one added runs first.
    public func wrapped(by middleware: some HTTPMiddleware) -> some HTTPResponder {
        MiddlewareResponder(middleware: middleware, next: self)
    }
}

struct MiddlewareResponder<Middleware: HTTPMiddleware>: HTTPResponder {
    let middleware: Middleware
    let next: any HTTPResponder

    func respond(to request: HTTPRequest) async -> HTTPResponse {
        await middleware.respond(to: request, next: next)
    }
}
