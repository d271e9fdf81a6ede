/// The outcome of classifying one image, with where its time went.
public struct Classification: Sendable {
    public var model: String
    public var predictions: [Prediction]
    public var batchSize: Int
    public var decode: Duration
    public var queue: Duration
    public var inference: Duration
}
