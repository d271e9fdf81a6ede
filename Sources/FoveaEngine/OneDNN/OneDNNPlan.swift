import CDNNL
import Foundation

/// A compiled program for one batch size: primitives whose activations and
/// scratchpad live in a `PlanWorkspace` shared with the engine's other
/// plans, plus plan-owned input and output buffers in plain row-major
/// layout.
///
/// Executing writes the workspace, so `execute` must run only inside the
/// workspace's `exclusively`, after `bind`. Everything else is immutable
/// after init, hence `@unchecked Sendable`.
final class OneDNNPlan: @unchecked Sendable {
    /// Where a buffer lives; workspace offsets resolve when the plan runs,
    /// because the workspace moves when a larger plan joins it.
    enum Address {
        case workspace(offset: Int)
        case owned(UnsafeMutableRawPointer)
    }

    enum Step {
        case primitive(Primitive, [dnnl_exec_arg_t])
        case fill(Address, count: Int, value: Float)
        case copy([Float], to: Address)
        case native(NativeConvolution, NativeConvolutionWeights, source: Address, destination: Address, scratch: Address)
        case nativeMaxPooling(NativeMaxPooling, source: Address, destination: Address)
        case nativeChannelBinary(NativeChannelBinary, source: Address, operand: Address, destination: Address)
        /// Weights and bias are the weight store's, which the plan keeps.
        case nativeInnerProduct(NativeInnerProduct, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, source: Address, destination: Address)
    }

    private let steps: [Step]
    /// What each step computes and on which implementation.
    let reports: [PlanStep]
    private let memories: [dnnl_memory_t]
    /// Memories inside the workspace, with their byte offsets.
    private let workspaceMemories: [(memory: dnnl_memory_t, offset: Int)]
    private var workspace: UnsafeMutableRawPointer?
    private let allocations: [UnsafeMutableRawPointer]
    private let stream: dnnl_stream_t
    private let threads: Int
    /// Kept alive for the weights the primitives read.
    private let weights: WeightStore
    let inputs: [UnsafeMutableBufferPointer<Float>]
    /// Per input, the memory objects bound to its buffer, so a run can read
    /// the caller's floats in place instead of copying them in.
    private let inputMemories: [[dnnl_memory_t]]
    let outputs: [UnsafeMutableBufferPointer<Float>]
    let arenaBytes: Int
    /// Activations plus scratchpad: what this plan needs of the workspace.
    let workspaceBytes: Int
    let nativeConvolutions: NativeConvolutionCounts
    /// Convolutions oneDNN computes with Winograd.
    let oneDNNWinogradConvolutions: Int
    /// Layout conversions of activations per run.
    let reorders: Int
    /// Depthwise convolutions computed inside the 1×1 convolution before them.
    let fusedDepthwiseConvolutions: Int

    init(steps: [Step], reports: [PlanStep], memories: [dnnl_memory_t], workspaceMemories: [(memory: dnnl_memory_t, offset: Int)],
         allocations: [UnsafeMutableRawPointer], stream: dnnl_stream_t, threads: Int, weights: WeightStore,
         inputs: [UnsafeMutableBufferPointer<Float>], inputMemories: [[dnnl_memory_t]],
         outputs: [UnsafeMutableBufferPointer<Float>], arenaBytes: Int, workspaceBytes: Int,
         fusedDepthwiseConvolutions: Int) {
        self.steps = steps
        self.reports = reports
        self.memories = memories
        self.workspaceMemories = workspaceMemories
        self.allocations = allocations
        self.stream = stream
        self.threads = threads
        self.weights = weights
        self.inputs = inputs
        self.inputMemories = inputMemories
        self.outputs = outputs
        self.arenaBytes = arenaBytes
        self.workspaceBytes = workspaceBytes
        self.fusedDepthwiseConvolutions = fusedDepthwiseConvolutions
        var counts = NativeConvolutionCounts()
        for case .native(let convolution, _, _, _, _) in steps {
            switch convolution.kind {
            case .winograd4x4: counts.winograd4x4 += 1
            case .winograd2x2: counts.winograd2x2 += 1
            case .direct: counts.direct += 1
            }
        }
        nativeConvolutions = counts
        oneDNNWinogradConvolutions = zip(steps, reports).count { step, report in
            if case .primitive = step { return report.implementation.contains("wino") }
            return false
        }
        reorders = reports.count(where: \.isReorder)
    }

    deinit {
        for memory in memories { dnnl_memory_destroy(memory) }
        dnnl_stream_destroy(stream)
        for allocation in allocations { allocation.deallocate() }
    }

    /// Points the plan's activations at `base`, the start of at least
    /// `workspaceBytes` bytes; called by `PlanWorkspace` while no plan runs.
    func bind(workspace base: UnsafeMutableRawPointer) throws {
        for (memory, offset) in workspaceMemories {
            try dnnlCheck(dnnl_memory_set_data_handle(memory, base + offset), "bind an activation to the workspace")
        }
        workspace = base
    }

    /// Runs on the plan's own input buffers.
    func execute() throws {
        try run()
    }

    /// Runs reading input `i` from `external[i]` (each as large as the plan's
    /// input buffer) without copying it. Primitives only read inputs, so the
    /// caller's memory is never written.
    func execute(readingInputsFrom external: [UnsafeRawPointer]) throws {
        precondition(external.count == inputs.count, "one pointer per plan input")
        try bindInputs { external[$0] }
        defer { try? bindInputs { UnsafeRawPointer(inputs[$0].baseAddress!) } }
        try run()
    }

    private func bindInputs(_ address: (Int) -> UnsafeRawPointer) throws {
        for (slot, memories) in inputMemories.enumerated() {
            let handle = UnsafeMutableRawPointer(mutating: address(slot))
            for memory in memories {
                try dnnlCheck(dnnl_memory_set_data_handle(memory, handle), "bind input \(slot)")
            }
        }
    }

    private func floats(at address: Address) -> UnsafeMutablePointer<Float> {
        switch address {
        case .owned(let pointer): return pointer.assumingMemoryBound(to: Float.self)
        case .workspace(let offset): return (workspace! + offset).assumingMemoryBound(to: Float.self)
        }
    }

    /// Runs once more per step, waiting for each to finish, and adds each
    /// step's nanoseconds to `nanoseconds` (one entry per step).
    func profile(adding nanoseconds: inout [UInt64]) throws {
        precondition(nanoseconds.count == steps.count, "one entry per step")
        try run { index, body in
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            try dnnlCheck(dnnl_stream_wait(stream), "finish a profiled step")
            nanoseconds[index] += DispatchTime.now().uptimeNanoseconds - start
        }
    }

    private func run() throws {
        try run { _, body in try body() }
    }

    /// Runs every step through `perform`, which calls the step's body.
    private func run(_ perform: (Int, () throws -> Void) throws -> Void) throws {
        precondition(workspace != nil, "a plan runs only once its workspace is bound")
        OpenMPThreads.setForCurrentThread(threads)
        for (index, step) in steps.enumerated() {
            try perform(index) { try self.perform(step) }
        }
        try dnnlCheck(dnnl_stream_wait(stream), "finish execution")
    }

    private func perform(_ step: Step) throws {
        switch step {
        case .primitive(let primitive, let arguments):
            try arguments.withUnsafeBufferPointer { args in
                try dnnlCheck(dnnl_primitive_execute(primitive.handle, stream, Int32(args.count), args.baseAddress),
                              "execute a primitive")
            }
        case .fill(let address, let count, let value):
            floats(at: address).update(repeating: value, count: count)
        case .copy(let values, let address):
            values.withUnsafeBufferPointer { floats(at: address).update(from: $0.baseAddress!, count: values.count) }
        case .native(let convolution, let weights, let source, let destination, let scratch):
            // Our kernel reads what the primitives before it wrote.
            try dnnlCheck(dnnl_stream_wait(stream), "finish the steps before a native convolution")
            NativeConvolution.Run(convolution: convolution, weights: weights, source: floats(at: source),
                                  destination: floats(at: destination), scratch: floats(at: scratch), threads: threads)()
        case .nativeMaxPooling(let pooling, let source, let destination):
            try dnnlCheck(dnnl_stream_wait(stream), "finish the steps before a native max pooling")
            pooling.run(source: floats(at: source), destination: floats(at: destination), threads: threads)
        case .nativeChannelBinary(let binary, let source, let operand, let destination):
            try dnnlCheck(dnnl_stream_wait(stream), "finish the steps before a native per-channel operation")
            binary.run(source: floats(at: source), operand: floats(at: operand), destination: floats(at: destination), threads: threads)
        case .nativeInnerProduct(let product, let weights, let bias, let source, let destination):
            try dnnlCheck(dnnl_stream_wait(stream), "finish the steps before a native inner product")
            product.run(weights: weights, bias: bias, source: floats(at: source), destination: floats(at: destination), threads: threads)
        }
    }
}
