import FoveaHTTP
import Logging

/// The running service: HTTP server, routes and metrics, assembled from a
/// `ServiceConfiguration`.
///
/// Its lifecycle is the one Kubernetes expects: listen first (so liveness
/// probes pass while models warm up), report ready only when warm, and on
/// SIGTERM stop accepting, finish what was accepted, and return.
public final class FoveaService: Sendable {
    public let configuration: ServiceConfiguration
    public let readiness = Readiness()
    private let server: HTTPServer
    private let logger: Logger

    public init(configuration: ServiceConfiguration, logger: Logger,
                metricsFactory: DocumentedPrometheusFactory = DocumentedPrometheusFactory()) {
        self.configuration = configuration
        self.logger = logger
        let metrics = ServiceMetrics(factory: metricsFactory)
        var router = Router(logger: logger)
        HealthRoutes(readiness: readiness).register(on: &router)
        MetricsRoute(registry: metricsFactory.registry,
                     processSampler: ProcessMetricsSampler(factory: metricsFactory),
                     beforeScrape: {}).register(on: &router)
        let routes = router
        let responder = router.wrapped(by: RequestMetricsMiddleware(
            metrics: metrics, routeOf: { routes.routePattern(matching: $0) }))
        server = HTTPServer(configuration: configuration.server.httpConfiguration,
                            responder: responder, logger: logger)
    }

    /// The bound port, once started (the kernel's choice when configured as 0).
    public var port: Int? { server.port }

    /// Binds the listener and makes the service ready; returns immediately.
    public func start() throws {
        try server.start()
        readiness.markReady()
        logger.info("Fovea is ready", metadata: ["port": "\(port ?? configuration.server.port)"])
    }

    /// Serves until SIGTERM or SIGINT, then drains and returns.
    public func run() async throws {
        try start()
        try await server.run()
        readiness.markNotReady()
    }

    /// Graceful stop, for embedding and tests.
    public func shutdown() async {
        readiness.markNotReady()
        await server.shutdown()
    }
}
