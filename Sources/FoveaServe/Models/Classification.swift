/// The outcome of classifying one image, with where its time went.
public struct Classification: Sendable {
    public var model: String
    public var predictions: [Prediction]
    public var batchSize: Int
    /// Waiting for a decoding thread: under load, uploads queue here
    /// behind the ones being decoded (the scheduler has already given
    /// them a batch slot, so this wait is part of their latency).
    public var decodeWait: Duration
    public var decode: Duration
    public var queue: Duration
    public var inference: Duration
}
