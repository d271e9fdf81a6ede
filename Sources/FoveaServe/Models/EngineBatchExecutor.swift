import FoveaEngine

/// One model instance on oneDNN: a batch of `n` runs on the engine's plan for
/// exactly `n`, so no compute is spent on padding.
final class EngineBatchExecutor: BatchExecutor {
    let engine: Engine
    let inputElementCount: Int

    init(engine: Engine, inputElementCount: Int) {
        self.engine = engine
        self.inputElementCount = inputElementCount
    }

    func run(input: UnsafePointer<Float>, batchSize: Int) throws -> [[Float]] {
        let plan = try engine.plan(batchSize: batchSize)
        let outputs = try plan.run(input: UnsafeBufferPointer(start: input, count: batchSize * inputElementCount))
        let scores = outputs[0].floats
        let perImage = scores.count / batchSize
        return (0..<batchSize).map { Array(scores[($0 * perImage)..<(($0 + 1) * perImage)]) }
    }
}
