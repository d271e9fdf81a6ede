import FoveaHTTP

/// Counts requests the HTTP layer refused before routing (413 before upload,
/// 400 malformed, 408, 431) under the route label `unrouted`.
struct RejectedRequestMetrics: HTTPServerObserver {
    let metrics: ServiceMetrics

    func serverAnswered(method: HTTPMethod?, status: HTTPStatus, duration: Duration) {
        metrics.requestStarted()
        metrics.requestFinished(route: "unrouted", method: method?.rawValue ?? "unknown",
                                status: status.code, duration: duration)
    }
}
