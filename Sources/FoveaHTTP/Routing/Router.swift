import Logging

/// Dispatches requests by method and path pattern.
///
/// Unknown paths get `404`, known paths with another method `405` with an
/// `Allow` header, both in the JSON error shape. `HEAD` falls back to the `GET`
/// handler (the server drops the body). Handlers may throw: an `HTTPError`
/// becomes its response, anything else a `500` whose details go to the log only.
public struct Router: HTTPResponder {
    public typealias Handler = @Sendable (HTTPRequest) async throws -> HTTPResponse

    private struct Route: Sendable {
        let pattern: RoutePattern
        var handlers: [HTTPMethod: Handler]
    }

    private var routes: [Route] = []
    private var staticRoutes: [String: Int] = [:]
    private let logger: Logger?

    /// `logger` receives unexpected handler errors (which clients only see as a `500`).
    public init(logger: Logger? = nil) {
        self.logger = logger
    }

    /// Registers `handler` for `method` on `pattern`. A malformed pattern is a
    /// programming error and stops the process with a message naming it.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, handler: @escaping Handler) {
        let parsed: RoutePattern
        do {
            parsed = try RoutePattern(pattern)
        } catch {
            preconditionFailure(error.description)
        }
        if let index = routes.firstIndex(where: { $0.pattern == parsed }) {
            routes[index].handlers[method] = handler
        } else {
            routes.append(Route(pattern: parsed, handlers: [method: handler]))
            if let path = parsed.staticPath { staticRoutes[path] = routes.count - 1 }
        }
    }

    public mutating func get(_ pattern: String, handler: @escaping Handler) { add(.get, pattern, handler: handler) }
    public mutating func post(_ pattern: String, handler: @escaping Handler) { add(.post, pattern, handler: handler) }
    public mutating func put(_ pattern: String, handler: @escaping Handler) { add(.put, pattern, handler: handler) }
    public mutating func delete(_ pattern: String, handler: @escaping Handler) { add(.delete, pattern, handler: handler) }
    public mutating func patch(_ pattern: String, handler: @escaping Handler) { add(.patch, pattern, handler: handler) }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        guard let (route, parameters) = match(request.path) else {
            return .error(.notFound, code: "not_found", message: "No route for '\(request.path)'.")
        }
        let handler = route.handlers[request.method] ?? (request.method == .head ? route.handlers[.get] : nil)
        guard let handler else {
            var response = HTTPResponse.error(
                .methodNotAllowed,
                code: "method_not_allowed",
                message: "\(request.method) is not allowed on '\(route.pattern)'."
            )
            response.headers.replaceOrAdd(name: "Allow", value: Router.allowedMethods(route).joined(separator: ", "))
            return response
        }
        var routed = request
        routed.pathParameters = parameters
        do {
            return try await handler(routed)
        } catch let error as HTTPError {
            return error.response
        } catch {
            logger?.error("Handler failed", metadata: [
                "path": "\(request.path)", "request_id": "\(request.requestID)", "error": "\(error)",
            ])
            return .error(.internalServerError, code: "internal_error", message: "The server failed to handle the request.")
        }
    }

    /// The pattern that serves `path` (`/admin/models/{name}`), or nil.
    /// Metrics label requests by pattern so that path parameters and scans of
    /// unknown paths cannot explode a time series' cardinality.
    public func routePattern(matching path: String) -> String? {
        match(path).map { $0.0.pattern.description }
    }

    private func match(_ path: String) -> (Route, [String: String])? {
        if let index = staticRoutes[path] { return (routes[index], [:]) }
        for route in routes where route.pattern.staticPath == nil {
            if let parameters = route.pattern.match(path) { return (route, parameters) }
        }
        return nil
    }

    private static func allowedMethods(_ route: Route) -> [String] {
        var methods = Set(route.handlers.keys.map(\.rawValue))
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted()
    }
}
