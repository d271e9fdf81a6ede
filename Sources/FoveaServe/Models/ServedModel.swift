import FoveaEngine
import FoveaImage
import Foundation

/// A model ready to serve: its engine instances behind a batch scheduler, the
/// preprocessing that feeds them and the labels that name their outputs.
///
/// Requests hold a reference for their whole life, so a model removed from
/// the pool finishes what it accepted before it is released.
public final class ServedModel: Sendable {
    public let settings: ModelSettings
    public let labels: Labels
    public let metadata: ModelMetadata
    public let normalization: ScoreNormalization
    let preprocessor: ImagePreprocessor
    let scheduler: BatchScheduler
    let metrics: ModelMetrics?

    init(settings: ModelSettings, labels: Labels, metadata: ModelMetadata, normalization: ScoreNormalization,
         preprocessor: ImagePreprocessor, scheduler: BatchScheduler, metrics: ModelMetrics? = nil) {
        self.settings = settings
        self.labels = labels
        self.metadata = metadata
        self.normalization = normalization
        self.preprocessor = preprocessor
        self.scheduler = scheduler
        self.metrics = metrics
    }

    public var name: String { settings.name }

    /// Decodes `image` straight into a batch slot, waits for its batch and
    /// ranks the result. The slot is reserved (or refused with 503) on the
    /// caller's queue; the decoding itself runs on `DecodeExecutor`.
    public func classify(_ image: some ContiguousBytes & Sendable, topK: Int? = nil) async throws -> Classification {
        let clock = ContinuousClock()
        var decodeWait = Duration.zero
        var decode = Duration.zero
        let threads = ImageThreadBudget.shared.admit(allowing: settings.threadsPerImage)
        defer { ImageThreadBudget.shared.release() }
        let result = try await scheduler.submit { slot in
            let reserved = clock.now
            try await withTaskExecutorPreference(DecodeExecutor.shared) {
                let start = clock.now
                decodeWait = start - reserved
                _ = try preprocessor.process(image, into: slot, threads: threads)
                decode = clock.now - start
                metrics?.imageDecoded(wait: decodeWait, duration: decode)
            }
        }
        let scores = normalization.apply(to: result.scores)
        return Classification(
            model: name,
            predictions: topPredictions(scores, k: topK ?? settings.topK, labels: labels),
            batchSize: result.batchSize, decodeWait: decodeWait, decode: decode, queue: result.queueWait,
            inference: result.inference)
    }

    /// Classifies several images concurrently, so they can share batches;
    /// each outcome stands alone, in input order.
    public func classifyAll(_ images: [some ContiguousBytes & Sendable], topK: Int? = nil) async
        -> [Result<Classification, any Error>] {
        await withTaskGroup(of: IndexedOutcome.self) { group in
            for (index, image) in images.enumerated() {
                group.addTask {
                    do {
                        let result = try await self.classify(image, topK: topK)
                        return IndexedOutcome(index: index, outcome: .success(result))
                    } catch {
                        return IndexedOutcome(index: index, outcome: .failure(error))
                    }
                }
            }
            var outcomes = [Result<Classification, any Error>?](repeating: nil, count: images.count)
            for await item in group { outcomes[item.index] = item.outcome }
            return outcomes.map { $0! }
        }
    }

    /// A child task's result. A struct, not an `(Int, Result)` tuple: Swift
    /// 6.3.1's release builds hand such tuple results back from task-group
    /// children with the wrong index now and then (two multipart images came
    /// back swapped, or one twice and the server trapped on the missing one),
    /// while debug builds are right.
    private struct IndexedOutcome: Sendable {
        let index: Int
        let outcome: Result<Classification, any Error>
    }

    /// Requests admitted and not yet running.
    public var queueDepth: Int { scheduler.queueDepth }

    /// Stops admitting requests and waits for the admitted ones.
    public func drain() async { await scheduler.drain() }
}
