/// Records a model's decoded images and batches into the service metrics.
struct ModelMetrics: BatchObserver {
    let model: String
    let metrics: ServiceMetrics

    func imageDecoded(wait: Duration, duration: Duration) {
        metrics.imageDecoded(model: model, wait: wait, duration: duration)
    }

    func batchCompleted(size: Int, inference: Duration, queueWaits: [Duration]) {
        metrics.batchRan(model: model, size: size, duration: inference)
        for wait in queueWaits { metrics.queueWaited(model: model, duration: wait) }
    }
}
