import FoveaHTTP
import FoveaImage
import Logging

/// The running service: HTTP server, model pool, routes and metrics,
/// assembled from a `ServiceConfiguration`.
///
/// Its lifecycle is the one Kubernetes expects: listen first (so liveness
/// probes pass while models warm up), report ready only when every configured
/// model is warm, and on SIGTERM stop accepting, finish what was accepted,
/// and return.
public final class FoveaService: Sendable {
    public let configuration: ServiceConfiguration
    public let readiness = Readiness()
    public let pool: ModelPool
    private let server: HTTPServer
    private let loader: ModelLoader
    private let logger: Logger
    private let heapTrimmer: HeapTrimmer

    public init(configuration: ServiceConfiguration, logger: Logger,
                metricsFactory: DocumentedPrometheusFactory = DocumentedPrometheusFactory()) {
        self.configuration = configuration
        self.logger = logger
        let metrics = ServiceMetrics(factory: metricsFactory)
        let pool = ModelPool(metrics: metrics)
        self.pool = pool
        let bufferPool = ImageBufferPool()
        heapTrimmer = HeapTrimmer(bufferPool: bufferPool)
        loader = ModelLoader(threads: configuration.server.threads, metrics: metrics, logger: logger,
                             bufferPool: bufferPool)

        var router = Router(logger: logger)
        HealthRoutes(readiness: readiness).register(on: &router)
        MetricsRoute(
            registry: metricsFactory.registry,
            processSampler: ProcessMetricsSampler(factory: metricsFactory),
            beforeScrape: {
                for model in pool.models {
                    metrics.queue(model: model.name, depth: model.queueDepth,
                                  capacity: model.settings.batching.queueCapacity)
                }
            }
        ).register(on: &router)
        ModelsRoute(pool: pool).register(on: &router)
        ClassifyRoute(pool: pool).register(on: &router)
        if let token = configuration.admin.token {
            AdminRoutes(pool: pool, loader: loader, authenticator: BearerTokenAuthenticator(token: token),
                        modelDirectory: ModelDirectory(path: configuration.modelDirectory),
                        logger: logger).register(on: &router)
        }
        let routes = router
        let responder = router.wrapped(by: RequestMetricsMiddleware(
            metrics: metrics, routeOf: { routes.routePattern(matching: $0) }))
        server = HTTPServer(configuration: configuration.server.httpConfiguration,
                            responder: responder, logger: logger,
                            observer: RejectedRequestMetrics(metrics: metrics))
    }

    /// The bound port, once started (the kernel's choice when configured as 0).
    public var port: Int? { server.port }

    /// Listens, loads and warms every configured model, then reports ready.
    /// Throws if any configured model cannot be served: a replica missing a
    /// model it was configured with must not join the load balancer.
    public func start() async throws {
        try server.start()
        try await loadConfiguredModels()
    }

    /// Serves until SIGTERM or SIGINT, then drains and returns. Signals are
    /// honoured from the first moment, also while models are still warming;
    /// a configured model that fails to load stops the service with its error.
    public func run() async throws {
        try server.start()
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<StopReason, Never>) in
            let stop = FirstStopReason(continuation)
            Task { stop.resolve(.signal(await TerminationSignals.wait())) }
            Task {
                do {
                    try await self.loadConfiguredModels()
                } catch {
                    stop.resolve(.failed(error))
                }
            }
        }
        switch outcome {
        case .signal(let signal):
            logger.info("Received termination signal; draining", metadata: ["signal": "\(signal)"])
            await shutdown()
        case .failed(let error):
            await server.shutdown(drainTimeout: .zero)
            throw error
        }
    }

    private func loadConfiguredModels() async throws {
        for settings in configuration.models {
            let model = try await loader.loadInBackground(settings)
            try pool.add(model, activate: settings.name == configuration.activeModel)
        }
        readiness.markReady()
        logger.info("Fovea is ready", metadata: [
            "port": "\(port ?? configuration.server.port)",
            "models": "\(pool.models.map(\.name).joined(separator: ","))",
            "active_model": "\(pool.activeModelName ?? "none")",
        ])
    }

    /// Graceful stop, for embedding and tests.
    public func shutdown() async {
        readiness.markNotReady()
        await server.shutdown()
        await pool.drainAll()
    }
}
