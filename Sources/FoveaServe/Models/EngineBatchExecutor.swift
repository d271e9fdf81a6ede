import FoveaEngine

/// One model instance on oneDNN: a batch of `n` runs on the engine's plan for
/// exactly `n`, so no compute is spent on padding. All of the engine's work
/// runs on the instance's own `InferenceThread`.
final class EngineBatchExecutor: BatchExecutor {
    let engine: Engine
    let inputElementCount: Int
    private let thread: InferenceThread

    /// Compiles and runs the plan of every batch size up to `maxBatchSize`
    /// once, so that no request pays for compilation or first-touch page
    /// faults.
    init(engine: Engine, inputElementCount: Int, maxBatchSize: Int, name: String) throws {
        self.engine = engine
        self.inputElementCount = inputElementCount
        thread = InferenceThread(name: name)
        let zeros = [Float](repeating: 0, count: inputElementCount * maxBatchSize)
        try thread.perform {
            try zeros.withUnsafeBufferPointer { buffer in
                for batchSize in 1...maxBatchSize {
                    let plan = try engine.plan(batchSize: batchSize)
                    _ = try plan.run(input: UnsafeBufferPointer(rebasing: buffer[0..<(batchSize * inputElementCount)]))
                }
            }
        }
    }

    func run(input: UnsafePointer<Float>, batchSize: Int) throws -> [[Float]] {
        let engine = engine, count = batchSize * inputElementCount
        let outputs = try thread.perform {
            try engine.plan(batchSize: batchSize).run(input: UnsafeBufferPointer(start: input, count: count))
        }
        let scores = outputs[0].floats
        let perImage = scores.count / batchSize
        return (0..<batchSize).map { Array(scores[($0 * perImage)..<(($0 + 1) * perImage)]) }
    }
}
