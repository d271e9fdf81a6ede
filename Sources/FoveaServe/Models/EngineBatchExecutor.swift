import FoveaEngine

/// One model instance on oneDNN: a batch of `n` runs on the engine's plan for
/// exactly `n`, so no compute is spent on padding. All of the engine's work
/// runs on the instance's own `InferenceThread`.
final class EngineBatchExecutor: BatchExecutor {
    let engine: Engine
    let inputElementCount: Int
    /// Threads of a batch that has the model's cores to itself; the engine's
    /// own `threads` are the instance's share.
    let allCoreThreads: Int
    private let thread: InferenceThread

    /// Compiles and runs the plan of every batch size up to `maxBatchSize` on
    /// the instance's share, and of batch size 1 on every core (the scheduler
    /// gives every core only to a lone request), once, so that no request pays
    /// for compilation or first-touch page faults.
    init(engine: Engine, allCoreThreads: Int, inputElementCount: Int, maxBatchSize: Int, name: String) throws {
        self.engine = engine
        self.allCoreThreads = max(allCoreThreads, engine.threads)
        self.inputElementCount = inputElementCount
        thread = InferenceThread(name: name)
        let zeros = [Float](repeating: 0, count: inputElementCount * maxBatchSize)
        let plans = (1...maxBatchSize).map { (batchSize: $0, threads: engine.threads) }
            + (self.allCoreThreads > engine.threads ? [(batchSize: 1, threads: self.allCoreThreads)] : [])
        try thread.perform {
            try zeros.withUnsafeBufferPointer { buffer in
                for (batchSize, threads) in plans {
                    let plan = try engine.plan(batchSize: batchSize, threads: threads)
                    _ = try plan.run(input: UnsafeBufferPointer(rebasing: buffer[0..<(batchSize * inputElementCount)]))
                }
            }
        }
    }

    func run(input: UnsafePointer<Float>, batchSize: Int, cores: CoreShare) throws -> [[Float]] {
        let engine = engine, count = batchSize * inputElementCount
        let threads = cores == .all ? allCoreThreads : engine.threads
        let outputs = try thread.perform {
            try engine.plan(batchSize: batchSize, threads: threads)
                .run(input: UnsafeBufferPointer(start: input, count: count))
        }
        let scores = outputs[0].floats
        let perImage = scores.count / batchSize
        return (0..<batchSize).map { Array(scores[($0 * perImage)..<(($0 + 1) * perImage)]) }
    }
}
