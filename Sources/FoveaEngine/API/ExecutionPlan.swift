import Foundation

/// A model compiled for one batch size.
///
/// Inputs and outputs are plain row-major float32 buffers owned by the plan.
/// A run has its engine's workspace to itself from writing inputs to copying
/// outputs: concurrent callers of an engine's plans are serialized.
public final class ExecutionPlan: @unchecked Sendable {
    public struct Signature: Sendable {
        public let name: String
        public let shape: [Int]
    }

    public let batchSize: Int
    public let inputs: [Signature]
    public let outputs: [Signature]
    /// Bytes of activations this plan needs (after liveness-based reuse)
    /// in the workspace it shares with the engine's other plans.
    public var activationBytes: Int { compiled.arenaBytes }
    /// Bytes of the engine's workspace this plan uses: activations plus
    /// the largest scratchpad of its primitives.
    public var workspaceBytes: Int { compiled.workspaceBytes }
    /// Convolutions computed by Fovea's own kernels instead of oneDNN (see
    /// `ConvolutionAlgorithm`); none on CPUs without AVX2, and none under
    /// `.automatic` on CPUs with AVX-512.
    public var nativeConvolutions: NativeConvolutionCounts { compiled.nativeConvolutions }
    /// Convolutions oneDNN computes with its Winograd kernels (see
    /// `ConvolutionAlgorithm.automatic`); none on CPUs without AVX-512.
    public var oneDNNWinogradConvolutions: Int { compiled.oneDNNWinogradConvolutions }
    /// Layout conversions of activations in a run (oneDNN reorders, incl.
    /// copies into concatenations); each is a pass over memory that
    /// computes nothing.
    public var reorders: Int { compiled.reorders }
    /// MobileNet-style 1×1 + 3×3 depthwise pairs computed as one oneDNN
    /// primitive (see `FusedDepthwise`): where the expanded activation
    /// between them is too large to stay in cache.
    public var fusedDepthwiseConvolutions: Int { compiled.fusedDepthwiseConvolutions }
    /// What the plan runs, step by step, in order.
    public var steps: [PlanStep] { compiled.reports }
    /// Steps on one of oneDNN's reference implementations: none, unless
    /// oneDNN 2.6 has nothing else for an operation on this CPU.
    public var referenceSteps: [PlanStep] { compiled.reports.filter(\.isReference) }
    private let compiled: OneDNNPlan
    private let workspace: PlanWorkspace

    init(batchSize: Int, program: ExecutionProgram, compiled: OneDNNPlan, workspace: PlanWorkspace) {
        self.batchSize = batchSize
        self.inputs = program.inputs.map { Signature(name: $0.name, shape: $0.type.shape) }
        self.outputs = program.outputs.map { Signature(name: $0.name, shape: program.types[$0.value]!.shape) }
        self.compiled = compiled
        self.workspace = workspace
    }

    /// Write access to the plan's input buffers during `run(filling:)`.
    public struct InputWriter: ~Copyable {
        fileprivate let buffers: [UnsafeMutableBufferPointer<Float>]
        public let batchSize: Int

        /// The floats of image `batchIndex` in input `input` (row-major,
        /// e.g. 3×224×224). The pointer is only valid inside `body`.
        public func withImage<R>(at batchIndex: Int, input: Int = 0,
                                 _ body: (UnsafeMutableBufferPointer<Float>) throws -> R) throws -> R {
            guard batchIndex >= 0, batchIndex < batchSize else {
                throw EngineError.batchIndexOutOfRange(index: batchIndex, batchSize: batchSize)
            }
            let whole = buffers[input]
            let perImage = whole.count / batchSize
            return try body(UnsafeMutableBufferPointer(rebasing: whole[(batchIndex * perImage)..<((batchIndex + 1) * perImage)]))
        }

        /// The whole batch of input `input`.
        public func withBatch<R>(input: Int = 0, _ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
            try body(buffers[input])
        }
    }

    /// Lets `fill` write the inputs in place, runs, and returns the outputs
    /// (each shaped as in `outputs`, batch first).
    public func run(filling fill: (borrowing InputWriter) throws -> Void) throws -> [Tensor] {
        try workspace.exclusively {
            try fill(InputWriter(buffers: compiled.inputs, batchSize: batchSize))
            try compiled.execute()
            return collectOutputs()
        }
    }

    /// Runs `runs` times on the current inputs, waiting for each step to
    /// finish before the next starts, and returns each step's mean time.
    /// Waiting costs a little per step, so the times add up to slightly
    /// more than an unprofiled run.
    public func profile(runs: Int) throws -> [PlanStepTiming] {
        var nanoseconds = [UInt64](repeating: 0, count: compiled.reports.count)
        try workspace.exclusively {
            for _ in 0..<max(1, runs) { try compiled.profile(adding: &nanoseconds) }
        }
        return zip(compiled.reports, nanoseconds).map { step, total in
            PlanStepTiming(step: step, milliseconds: Double(total) / 1e6 / Double(max(1, runs)))
        }
    }

    private func collectOutputs() -> [Tensor] {
        zip(outputs, compiled.outputs).map { signature, buffer in
            Tensor(shape: signature.shape, floats: Array(buffer))
        }
    }

    /// Runs on tensors (one per model input, in order), e.g. from `fovea run`.
    public func run(inputs tensors: [Tensor]) throws -> [Tensor] {
        guard tensors.count == inputs.count else { throw EngineError.inputCount(expected: inputs.count, given: tensors.count) }
        for (tensor, signature) in zip(tensors, inputs) where tensor.elementCount != signature.shape.reduce(1, *) {
            throw EngineError.inputSize(name: signature.name, expected: signature.shape.reduce(1, *), given: tensor.elementCount)
        }
        return try run { writer in
            for (index, tensor) in tensors.enumerated() {
                let values = tensor.floats
                writer.withBatch(input: index) { buffer in _ = buffer.update(fromContentsOf: values) }
            }
        }
    }

    /// Runs on a single input given as contiguous floats, read in place
    /// (not copied; only read, and only during the call).
    public func run(input: UnsafeBufferPointer<Float>) throws -> [Tensor] {
        guard inputs.count == 1 else { throw EngineError.inputCount(expected: inputs.count, given: 1) }
        let expected = inputs[0].shape.reduce(1, *)
        guard input.count == expected, let start = input.baseAddress else {
            throw EngineError.inputSize(name: inputs[0].name, expected: expected, given: input.count)
        }
        return try workspace.exclusively {
            try compiled.execute(readingInputsFrom: [UnsafeRawPointer(start)])
            return collectOutputs()
        }
    }
}
