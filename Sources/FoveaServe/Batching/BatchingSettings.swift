/// How a model's queue forms batches, from its `batching:` config section.
///
/// Larger batches raise throughput (one pass over the weights serves several
/// images) at the price of latency; `maxQueueDelay` bounds that price when the
/// service is lightly loaded.
public struct BatchingSettings: Sendable, Equatable, Decodable {
    /// 4, not more, because each of a model's instances runs on one core by
    /// default, and there a batch of 4 already costs per image what one of 8
    /// does (resnet50, mobilenet_v2 and dog-breeds within the host's noise),
    /// while under moderate load smaller groups keep the cores busier: with
    /// 16 clients and two instances, batches of 8 leave no decoded batch
    /// waiting when an instance finishes, and the cores sat idle 7 % of the
    /// time (BENCHMARKS.md, "Batches of 4"). One instance with several threads
    /// gains more from larger batches.
    public var maxBatchSize = 4
    /// Longest ready requests wait, while an instance is idle, before their
    /// batch closes to newcomers. Unless a larger batch is running they never
    /// wait for requests that have not arrived; while one runs they do, as the
    /// clients of the batch before it are about to send their next ones (see
    /// `BatchScheduler`).
    public var maxQueueDelay: Duration = .milliseconds(5)
    /// Requests admitted but not yet running (decoding or queued). Beyond it
    /// new requests get 503 at once instead of growing latency without bound.
    public var queueCapacity = 64
    /// End-to-end budget of one request; past it a queued request is dropped
    /// before inference and answered 504.
    public var timeout: Duration = .seconds(10)

    public init(maxBatchSize: Int = 4, maxQueueDelay: Duration = .milliseconds(5),
                queueCapacity: Int = 64, timeout: Duration = .seconds(10)) {
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelay = maxQueueDelay
        self.queueCapacity = queueCapacity
        self.timeout = timeout
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxBatchSize = "max_batch_size"
        case maxQueueDelayMilliseconds = "max_queue_delay_ms"
        case queueCapacity = "queue_capacity"
        case timeoutMilliseconds = "timeout_ms"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxBatchSize = try c.positive(.maxBatchSize) ?? maxBatchSize
        if let delay = try c.decodeIfPresent(Double.self, forKey: .maxQueueDelayMilliseconds) {
            guard delay >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .maxQueueDelayMilliseconds, in: c, debugDescription: "must not be negative, got \(delay)")
            }
            maxQueueDelay = .microseconds(Int64(delay * 1000))
        }
        queueCapacity = try c.positive(.queueCapacity) ?? queueCapacity
        if let timeout: Double = try c.positive(.timeoutMilliseconds) {
            self.timeout = .microseconds(Int64(timeout * 1000))
        }
        guard queueCapacity >= maxBatchSize else {
            throw DecodingError.dataCorruptedError(
                forKey: .queueCapacity, in: c,
                debugDescription: "must be at least max_batch_size (\(maxBatchSize)), got \(queueCapacity)")
        }
    }
}
