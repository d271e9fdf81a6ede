import FoveaImage

/// What `GET /models` tells about one loaded model.
struct ModelDescription: Encodable {
    var name: String
    var active: Bool
    /// Only the admin API shows where a model lives on the server's disk.
    var path: String?
    var input: Signature
    var output: Signature
    var labels: Int
    var output_scores: String
    var top_k: Int
    var instances: Int
    var preprocess: PreprocessSpec
    var jpeg_downscaling: String
    var threads_per_image: Int
    var batching: Batching
    var queue_depth: Int

    struct Signature: Encodable {
        var name: String
        /// `null` marks open dimensions (the batch).
        var shape: [Int?]
    }

    struct Batching: Encodable {
        var max_batch_size: Int
        var max_queue_delay_ms: Double
        var queue_capacity: Int
        var timeout_ms: Double
    }

    init(_ model: ServedModel, active: Bool, showPath: Bool = false) {
        let settings = model.settings
        name = model.name
        self.active = active
        path = showPath ? settings.path : nil
        input = Signature(name: model.metadata.inputs.first?.name ?? "", shape: model.metadata.inputs.first?.shape ?? [])
        output = Signature(name: model.metadata.outputs.first?.name ?? "", shape: model.metadata.outputs.first?.shape ?? [])
        labels = model.labels.count
        output_scores = model.normalization.rawValue
        top_k = settings.topK
        instances = settings.instances
        preprocess = settings.preprocess
        jpeg_downscaling = settings.jpegDownscaling.rawValue
        threads_per_image = settings.threadsPerImage
        batching = Batching(
            max_batch_size: settings.batching.maxBatchSize,
            max_queue_delay_ms: settings.batching.maxQueueDelay.roundedMilliseconds,
            queue_capacity: settings.batching.queueCapacity,
            timeout_ms: settings.batching.timeout.roundedMilliseconds)
        queue_depth = model.queueDepth
    }
}

struct ModelListResponse: Encodable {
    var active: String?
    var models: [ModelDescription]

    init(pool: ModelPool, showPaths: Bool = false) {
        let active = pool.activeModelName
        self.active = active
        models = pool.models.map { ModelDescription($0, active: $0.name == active, showPath: showPaths) }
    }
}
