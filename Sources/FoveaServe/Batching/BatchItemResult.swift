/// What one request gets back from the scheduler: its output row and where
/// its time went, for the response's `timing_ms` and `Server-Timing`.
public struct BatchItemResult: Sendable {
    public var scores: [Float]
    /// How many requests shared the forward pass.
    public var batchSize: Int
    /// From the moment the input was ready to the start of its batch.
    public var queueWait: Duration
    /// The forward pass of the whole batch.
    public var inference: Duration
}
