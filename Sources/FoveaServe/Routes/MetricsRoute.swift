import FoveaHTTP
import Prometheus

/// `GET /metrics` in the Prometheus text exposition format (version 0.0.4).
struct MetricsRoute {
    let registry: PrometheusCollectorRegistry
    let processSampler: ProcessMetricsSampler
    /// Refreshes gauges that are sampled rather than pushed (queue depths).
    let beforeScrape: @Sendable () -> Void

    func register(on router: inout Router) {
        router.get("/metrics") { [registry, processSampler, beforeScrape] _ in
            processSampler.sample()
            beforeScrape()
            return HTTPResponse(
                status: .ok,
                headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                body: registry.emitToBuffer())
        }
    }
}
