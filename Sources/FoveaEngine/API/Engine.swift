import Foundation

/// Runs one model on the CPU: builds and caches an `ExecutionPlan` per batch
/// size and shares reordered weights between them.
///
/// Thread-safe: the plan cache is guarded by `lock`; plans guard themselves.
public final class Engine: @unchecked Sendable {
    public let model: Model
    /// OpenMP threads used by each plan execution.
    public let threads: Int
    private let context: OneDNNContext
    private let weights: WeightStore
    private let lock = NSLock()
    private var plans: [Int: ExecutionPlan] = [:]

    /// `threads` defaults to every core available to the process.
    public init(model: Model, threads: Int? = nil) throws {
        self.model = model
        self.threads = max(1, threads ?? OpenMPThreads.availableCores)
        _ = OpenMPThreads.idleSpinningLimited
        context = try OneDNNContext()
        weights = WeightStore(context: context)
    }

    /// The plan for `batchSize`, compiled on first use.
    public func plan(batchSize: Int) throws -> ExecutionPlan {
        guard batchSize >= 1 else { throw EngineError.invalidBatchSize(batchSize) }
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[batchSize] { return plan }
        // oneDNN sizes its work partitioning from the OpenMP thread count when
        // primitives are created, so the count must already be set here.
        OpenMPThreads.setForCurrentThread(threads)
        let planned = try model.graph.planned(batchSize: batchSize)
        let program = try Lowering.program(for: planned)
        let compiled = try OneDNNCompiler.compile(program, context: context, weights: weights, threads: threads)
        let plan = ExecutionPlan(batchSize: batchSize, program: program, compiled: compiled)
        plans[batchSize] = plan
        return plan
    }

    /// Batch sizes with a compiled plan.
    public var compiledBatchSizes: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return plans.keys.sorted()
    }
}
