import FoveaHTTP

/// Counts and times every request by route pattern, method and status.
struct RequestMetricsMiddleware: HTTPMiddleware {
    let metrics: ServiceMetrics
    /// Maps a path to the pattern that serves it.
    let routeOf: @Sendable (String) -> String?

    func respond(to request: HTTPRequest, next: any HTTPResponder) async -> HTTPResponse {
        let clock = ContinuousClock()
        let start = clock.now
        metrics.requestStarted()
        let response = await next.respond(to: request)
        metrics.requestFinished(
            route: routeOf(request.path) ?? "unmatched",
            method: request.method.rawValue,
            status: response.status.code,
            duration: clock.now - start)
        return response
    }
}
