import Dispatch
import FoveaEngine
import FoveaImage
import Foundation
import Logging

/// Turns `ModelSettings` into a warmed-up `ServedModel`, or explains why not.
///
/// Everything that could fail at the first request fails here instead: the
/// ONNX file, the labels, the match between preprocessing and the model's
/// input, and plan compilation for every batch size the scheduler may form.
public struct ModelLoader: Sendable {
    /// Cores for inference, shared by a model's instances; nil means all.
    public var threads: Int?
    public var metrics: ServiceMetrics?
    public var logger: Logger
    /// Holds the batch tensors and image buffers of every model loaded, so
    /// that a swap reuses the buffers of the model it replaces.
    public var bufferPool: ImageBufferPool

    public init(threads: Int? = nil, metrics: ServiceMetrics? = nil, logger: Logger,
                bufferPool: ImageBufferPool = ImageBufferPool()) {
        self.threads = threads
        self.metrics = metrics
        self.logger = logger
        self.bufferPool = bufferPool
    }

    /// Blocks while it compiles and warms up; call it off the cooperative pool
    /// (see `loadInBackground`).
    public func load(_ settings: ModelSettings) throws(ModelLoadingError) -> ServedModel {
        let clock = ContinuousClock()
        let start = clock.now
        let labels = try settings.labels.map { path throws(ModelLoadingError) in try Labels(contentsOf: path) }
        let model: Model
        do {
            model = try Model.load(path: settings.path)
        } catch {
            throw .invalidModel(model: settings.name, path: settings.path, reason: String(describing: error))
        }
        let classes = try validateSignature(model.metadata, settings: settings)
        if let labels, labels.count != classes {
            throw .labelCountMismatch(model: settings.name, labels: labels.count, outputs: classes)
        }

        let instances = settings.instances
        let cores = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let threadsPerInstance = max(1, cores / instances)
        let elementCount = settings.preprocess.elementCount
        var executors: [any BatchExecutor] = []
        do {
            var engineLogger = logger
            engineLogger[metadataKey: "model"] = "\(settings.name)"
            let first = try Engine(model: model, threads: threadsPerInstance, logger: engineLogger)
            for instance in 0..<instances {
                let engine = instance == 0 ? first : first.instance()
                // Only the first instance runs lone requests on every core (`BatchScheduler`).
                executors.append(try EngineBatchExecutor(engine: engine,
                                                         allCoreThreads: instance == 0 ? cores : threadsPerInstance,
                                                         inputElementCount: elementCount,
                                                         maxBatchSize: settings.batching.maxBatchSize,
                                                         name: "fovea-infer-\(instance)"))
            }
        } catch {
            throw .invalidModel(model: settings.name, path: settings.path,
                                reason: "compiling its execution plans failed: \(error)")
        }
        let normalization = settings.output ?? (Self.endsInSoftmax(model.graph) ? .probabilities : .logits)
        let modelMetrics = metrics.map { ModelMetrics(model: settings.name, metrics: $0) }
        let scheduler = BatchScheduler(
            settings: settings.batching, executors: executors, observer: modelMetrics, bufferPool: bufferPool)
        logger.info("Model loaded", metadata: [
            "model": "\(settings.name)", "path": "\(settings.path)", "classes": "\(classes)",
            "instances": "\(instances)", "threads_per_instance": "\(threadsPerInstance)",
            "threads_alone": "\(cores)",
            "batch_sizes": "1...\(settings.batching.maxBatchSize)", "output": "\(normalization.rawValue)",
            "load_ms": "\((clock.now - start).roundedMilliseconds)",
        ])
        return ServedModel(
            settings: settings, labels: labels ?? Labels(names: []), metadata: model.metadata,
            normalization: normalization,
            preprocessor: ImagePreprocessor(spec: settings.preprocess,
                                            dctOversampling: settings.jpegDownscaling.dctOversampling,
                                            threadsPerImage: settings.threadsPerImage, bufferPool: bufferPool),
            scheduler: scheduler, metrics: modelMetrics)
    }

    /// Loads on a Dispatch thread so that compiling a large model never
    /// stalls the threads serving HTTP.
    public func loadInBackground(_ settings: ModelSettings) async throws -> ServedModel {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try self.load(settings) })
            }
        }
    }

    /// Returns the number of classes of a single-input classifier whose
    /// input matches the preprocessing.
    private func validateSignature(_ metadata: ModelMetadata, settings: ModelSettings) throws(ModelLoadingError) -> Int {
        guard metadata.inputs.count == 1, let input = metadata.inputs.first else {
            throw .unsupportedSignature(
                model: settings.name, reason: "it has \(metadata.inputs.count) inputs; an image classifier has one")
        }
        let expected = settings.preprocess.shape
        let actual = Array(input.shape.dropFirst())
        let matches = actual.count == expected.count
            && zip(actual, expected).allSatisfy { dimension, wanted in dimension == nil || dimension == wanted }
        guard matches else {
            throw .inputMismatch(model: settings.name, modelInput: input.description, preprocessed: expected)
        }
        guard let output = metadata.outputs.first else {
            throw .unsupportedSignature(model: settings.name, reason: "it has no outputs")
        }
        let perImage = output.shape.dropFirst()
        guard perImage.allSatisfy({ $0 != nil }), let classes = Optional(perImage.reduce(1) { $0 * ($1 ?? 1) }),
              classes > 0, perImage.filter({ $0 != 1 }).count <= 1
        else {
            throw .unsupportedSignature(
                model: settings.name, reason: "its output \(output) is not one score per class")
        }
        return classes
    }

    static func endsInSoftmax(_ graph: Graph) -> Bool {
        guard let output = graph.outputs.first, let producer = graph.producers()[output.value] else { return false }
        guard let softmax = graph.nodes[producer].op as? Softmax else { return false }
        return !softmax.logarithmic
    }
}
