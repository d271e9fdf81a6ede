import CoreMetrics

/// The service's measurements, recorded through swift-metrics so that any
/// backend can receive them; `/metrics` exposes them when the backend is
/// Prometheus.
///
/// Handles are created per label set on use: the backend deduplicates them,
/// and label sets are bounded (routes, models and status codes we define).
public struct ServiceMetrics: Sendable {
    public let factory: any MetricsFactory
    private let inflight: Meter
    private let swaps: Counter

    public init(factory: any MetricsFactory) {
        self.factory = factory
        inflight = Meter(label: MetricCatalogue.inflightRequests.name, factory: factory)
        swaps = Counter(label: MetricCatalogue.modelSwaps.name, factory: factory)
        inflight.set(0)
    }

    public func requestStarted() { inflight.increment() }

    public func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        inflight.decrement()
        Counter(label: MetricCatalogue.requests.name,
                dimensions: [("route", route), ("method", method), ("status", String(status))],
                factory: factory).increment()
        Timer(label: MetricCatalogue.requestDuration.name, dimensions: [("route", route)], factory: factory)
            .recordInterval(duration)
    }

    public func batchRan(model: String, size: Int, duration: Duration) {
        Timer(label: MetricCatalogue.inferenceDuration.name, dimensions: [("model", model)], factory: factory)
            .recordInterval(duration)
        Recorder(label: MetricCatalogue.batchSize.name, dimensions: [("model", model)], factory: factory)
            .record(size)
        Counter(label: MetricCatalogue.images.name, dimensions: [("model", model)], factory: factory)
            .increment(by: size)
    }

    /// The decoding stages apart: a growing wait with a steady decode time
    /// means the cores cannot keep up with the uploads (more replicas), a
    /// growing decode time means larger photos.
    public func imageDecoded(model: String, wait: Duration, duration: Duration) {
        Timer(label: MetricCatalogue.decodeWait.name, dimensions: [("model", model)], factory: factory)
            .recordInterval(wait)
        Timer(label: MetricCatalogue.decodeDuration.name, dimensions: [("model", model)], factory: factory)
            .recordInterval(duration)
    }

    public func queueWaited(model: String, duration: Duration) {
        Timer(label: MetricCatalogue.queueWait.name, dimensions: [("model", model)], factory: factory)
            .recordInterval(duration)
    }

    /// Depth and capacity side by side, so alerts and dashboards can show
    /// saturation without knowing each model's configuration.
    public func queue(model: String, depth: Int, capacity: Int) {
        Gauge(label: MetricCatalogue.queueDepth.name, dimensions: [("model", model)], factory: factory)
            .record(depth)
        Gauge(label: MetricCatalogue.queueCapacity.name, dimensions: [("model", model)], factory: factory)
            .record(capacity)
    }

    /// Publishes which models are loaded and which is active. Series of models
    /// no longer loaded, or whose role changed, are removed rather than left
    /// at a stale value.
    public func modelsChanged(from old: [String: Bool], to new: [String: Bool]) {
        for (model, active) in old where new[model] != active {
            modelInfo(model: model, active: active).destroy()
        }
        for (model, active) in new {
            modelInfo(model: model, active: active).record(1)
        }
    }

    public func modelSwapped() { swaps.increment() }

    private func modelInfo(model: String, active: Bool) -> Gauge {
        Gauge(label: MetricCatalogue.modelInfo.name,
              dimensions: [("model", model), ("active", active ? "true" : "false")], factory: factory)
    }
}

extension Timer {
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
