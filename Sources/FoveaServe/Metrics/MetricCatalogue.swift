/// The metrics Fovea exports, with the help text and histogram buckets a
/// Prometheus backend needs. Code records them through swift-metrics by name;
/// this catalogue is what makes the exposition self-describing
/// (`promtool check metrics` insists on `# HELP`).
public enum MetricCatalogue {
    public struct Entry: Sendable {
        public var name: String
        public var help: String
        /// Bucket upper bounds, in seconds for timers, in units for recorders.
        public var buckets: [Double]?
    }

    static let requestLatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let batchSizeBuckets: [Double] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64]

    public static let requests = Entry(
        name: "fovea_requests_total", help: "HTTP requests answered, by route, method and status code.")
    public static let requestDuration = Entry(
        name: "fovea_request_duration_seconds", help: "Time from a request's arrival to its response, by route.",
        buckets: requestLatencyBuckets)
    public static let decodeWait = Entry(
        name: "fovea_decode_wait_seconds",
        help: "Time an upload holding a batch slot waited for a decoding thread, by model.",
        buckets: requestLatencyBuckets)
    public static let decodeDuration = Entry(
        name: "fovea_decode_duration_seconds", help: "Time to decode and preprocess one image, by model.",
        buckets: requestLatencyBuckets)
    public static let queueWait = Entry(
        name: "fovea_queue_wait_seconds", help: "Time a preprocessed image waited for its batch to start, by model.",
        buckets: requestLatencyBuckets)
    public static let inferenceDuration = Entry(
        name: "fovea_inference_duration_seconds", help: "Forward-pass time of one batch, by model.",
        buckets: requestLatencyBuckets)
    public static let batchSize = Entry(
        name: "fovea_batch_size", help: "Images per forward pass, by model.", buckets: batchSizeBuckets)
    public static let images = Entry(
        name: "fovea_images_total", help: "Images classified, by model.")
    public static let queueDepth = Entry(
        name: "fovea_queue_depth", help: "Requests admitted to a model's queue and not yet running, by model.")
    public static let queueCapacity = Entry(
        name: "fovea_queue_capacity", help: "Configured queue capacity (queue_capacity), by model; 503s start at this depth.")
    public static let inflightRequests = Entry(
        name: "fovea_inflight_requests", help: "HTTP requests being processed right now.")
    public static let modelInfo = Entry(
        name: "fovea_model_info", help: "Loaded models; active=\"true\" marks the default model (value is always 1).")
    public static let modelSwaps = Entry(
        name: "fovea_model_swaps_total", help: "Changes of the active model through the admin API.")

    public static let residentMemory = Entry(
        name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
    public static let virtualMemory = Entry(
        name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
    public static let cpuSeconds = Entry(
        name: "process_cpu_seconds_total", help: "User and system CPU time spent, in seconds.")
    public static let openFileDescriptors = Entry(
        name: "process_open_fds", help: "Number of open file descriptors.")
    public static let maxFileDescriptors = Entry(
        name: "process_max_fds", help: "Maximum number of open file descriptors.")
    public static let startTime = Entry(
        name: "process_start_time_seconds", help: "Start time of the process since the Unix epoch, in seconds.")

    public static let all: [Entry] = [
        requests, requestDuration, decodeWait, decodeDuration, queueWait, inferenceDuration, batchSize, images,
        queueDepth, queueCapacity, inflightRequests, modelInfo, modelSwaps,
        residentMemory, virtualMemory, cpuSeconds, openFileDescriptors, maxFileDescriptors, startTime,
    ]
}
