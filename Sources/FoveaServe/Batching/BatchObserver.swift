/// Receives a report of every batch that ran, for metrics. Called on the
/// instance's thread right after the forward pass, so it must be cheap.
public protocol BatchObserver: Sendable {
    func batchCompleted(size: Int, inference: Duration, queueWaits: [Duration])
}
