import Foundation
import Logging

/// Runs one model on the CPU: builds and caches an `ExecutionPlan` per batch
/// size and thread count, which share the reordered weights and one workspace
/// for their activations, so an engine runs one plan at a time.
///
/// Thread-safe: the plan cache is guarded by `lock`; runs of the engine's
/// plans are serialized by their shared workspace. An engine is one model
/// instance; parallel inference takes several engines.
public final class Engine: @unchecked Sendable {
    public let model: Model
    /// OpenMP threads of a plan unless `plan(batchSize:threads:)` asks for
    /// another count.
    public let threads: Int
    public let convolutionAlgorithm: ConvolutionAlgorithm
    private let context: OneDNNContext
    private let weights: WeightStore
    private let workspace = PlanWorkspace()
    private let warnings: ReferenceKernelWarnings
    private let lock = NSLock()
    private var plans: [PlanKey: ExecutionPlan] = [:]

    /// oneDNN splits a primitive's work for the thread count it was created
    /// with, so a plan is compiled for one count and runs with exactly that.
    private struct PlanKey: Hashable {
        let batchSize: Int
        let threads: Int
    }

    /// `threads` defaults to every core available to the process. `logger`
    /// receives a warning, once per node, for any plan step left on one of
    /// oneDNN's reference kernels (see `ExecutionPlan.referenceSteps`).
    public convenience init(model: Model, threads: Int? = nil, convolutionAlgorithm: ConvolutionAlgorithm = .automatic,
                            logger: Logger? = nil) throws {
        let context = try OneDNNContext()
        self.init(model: model, threads: threads, convolutionAlgorithm: convolutionAlgorithm,
                  context: context, weights: WeightStore(context: context), warnings: ReferenceKernelWarnings(logger: logger))
        dropMappedWeightPages()
    }

    private init(model: Model, threads: Int?, convolutionAlgorithm: ConvolutionAlgorithm, context: OneDNNContext, weights: WeightStore,
                 warnings: ReferenceKernelWarnings) {
        self.model = model
        self.threads = max(1, threads ?? OpenMPThreads.availableCores)
        self.convolutionAlgorithm = convolutionAlgorithm
        _ = OpenMPThreads.idleSpinningLimited
        self.context = context
        self.weights = weights
        self.warnings = warnings
    }

    /// Another instance of the same model, to run batches in parallel with
    /// this one: its own plans and workspace, but the converted weights of
    /// this engine, so that a second instance of resnet50 costs its
    /// activations rather than another 100 MB of weights.
    public func instance(threads: Int? = nil) -> Engine {
        Engine(model: model, threads: threads ?? self.threads, convolutionAlgorithm: convolutionAlgorithm,
               context: context, weights: weights, warnings: warnings)
    }

    /// The plan for `batchSize` on `threads` threads (default: the engine's
    /// `threads`), compiled on first use.
    public func plan(batchSize: Int, threads: Int? = nil) throws -> ExecutionPlan {
        guard batchSize >= 1 else { throw EngineError.invalidBatchSize(batchSize) }
        let threads = max(1, threads ?? self.threads)
        let key = PlanKey(batchSize: batchSize, threads: threads)
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[key] { return plan }
        // oneDNN sizes its work partitioning from the OpenMP thread count when
        // primitives are created, so the count must already be set here.
        OpenMPThreads.setForCurrentThread(threads)
        let planned = try model.graph.planned(batchSize: batchSize)
        let program = try Lowering.program(for: planned)
        let compiled = try OneDNNCompiler.compile(program, context: context, weights: weights, threads: threads,
                                                   algorithm: convolutionAlgorithm)
        try workspace.adopt(compiled)
        let plan = ExecutionPlan(batchSize: batchSize, program: program, compiled: compiled, workspace: workspace)
        plans[key] = plan
        warnings.check(plan, model: model.path)
        dropMappedWeightPages()
        return plan
    }

    /// Loading (BatchNorm folding) and plan compilation (weight reorders) read
    /// the model file's weights; afterwards oneDNN holds its own copies, so the
    /// file's pages leave the resident set until a later plan reads them again.
    private func dropMappedWeightPages() {
        var dropped = Set<ObjectIdentifier>()
        for tensor in model.graph.constants.values {
            guard case .float32(let floats) = tensor.storage, let storage = floats.mappedStorage,
                  dropped.insert(ObjectIdentifier(storage)).inserted else { continue }
            storage.dropResidentPages()
        }
    }

    /// Bytes of weights and other constants converted for the plans so
    /// far, held once for this engine and the instances made from it.
    public var weightBytes: Int { weights.heldBytes }

    /// Bytes of activations and scratchpad shared by the compiled plans:
    /// what the largest of them needs.
    public var workspaceBytes: Int { workspace.bytes }

    /// Batch sizes with a compiled plan.
    public var compiledBatchSizes: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return Set(plans.keys.map(\.batchSize)).sorted()
    }
}
