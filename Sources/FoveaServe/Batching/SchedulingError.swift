/// Why the scheduler did not produce a result for a request.
public enum SchedulingError: Error, Equatable, CustomStringConvertible {
    /// The model's queue holds `capacity` requests already; retry later.
    case queueFull(capacity: Int)
    /// The request's deadline passed while it waited for an instance.
    case deadlineExceeded(timeoutMilliseconds: Int)
    /// The scheduler is draining (model unloaded or service shutting down).
    case stopped
    /// The network itself failed on this batch.
    case inferenceFailed(String)

    public var description: String {
        switch self {
        case .queueFull(let capacity):
            "the model's queue is full (\(capacity) requests waiting); retry shortly"
        case .deadlineExceeded(let timeout):
            "the request waited longer than its \(timeout) ms deadline and was dropped before inference"
        case .stopped:
            "the model is being unloaded and accepts no new requests"
        case .inferenceFailed(let reason):
            "inference failed: \(reason)"
        }
    }
}
