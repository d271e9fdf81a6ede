import CDNNL
import Foundation

/// A compiled program for one batch size: primitives with their memory
/// bound to a single activation arena, plus plan-owned input and output
/// buffers in plain row-major layout.
///
/// Executing mutates the arena, so `execute` must not run concurrently on
/// one plan; `ExecutionPlan` guards it with a lock. Everything else is
/// immutable after init, hence `@unchecked Sendable`.
final class OneDNNPlan: @unchecked Sendable {
    enum Step {
        case primitive(Primitive, [dnnl_exec_arg_t])
        case fill(UnsafeMutablePointer<Float>, count: Int, value: Float)
        case copy([Float], to: UnsafeMutablePointer<Float>)
        case native(NativeConvolution.Run)
    }

    private let steps: [Step]
    private let memories: [dnnl_memory_t]
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
    let nativeConvolutions: NativeConvolutionCounts
    /// Convolutions oneDNN computes with Winograd.
    let oneDNNWinogradConvolutions: Int

    init(steps: [Step], memories: [dnnl_memory_t], allocations: [UnsafeMutableRawPointer], stream: dnnl_stream_t,
         threads: Int, weights: WeightStore, inputs: [UnsafeMutableBufferPointer<Float>],
         inputMemories: [[dnnl_memory_t]], outputs: [UnsafeMutableBufferPointer<Float>], arenaBytes: Int) {
        self.steps = steps
        self.memories = memories
        self.allocations = allocations
        self.stream = stream
        self.threads = threads
        self.weights = weights
        self.inputs = inputs
        self.inputMemories = inputMemories
        self.outputs = outputs
        self.arenaBytes = arenaBytes
        var counts = NativeConvolutionCounts()
        for case .native(let run) in steps {
            switch run.convolution.kind {
            case .winograd4x4: counts.winograd4x4 += 1
            case .winograd2x2: counts.winograd2x2 += 1
            case .direct: counts.direct += 1
            }
        }
        nativeConvolutions = counts
        oneDNNWinogradConvolutions = steps.count { step in
            if case .primitive(let primitive, _) = step { return primitive.implementation.contains("wino") }
            return false
        }
    }

    deinit {
        for memory in memories { dnnl_memory_destroy(memory) }
        dnnl_stream_destroy(stream)
        for allocation in allocations { allocation.deallocate() }
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

    private func run() throws {
        OpenMPThreads.setForCurrentThread(threads)
        for step in steps {
            switch step {
            case .primitive(let primitive, let arguments):
                try arguments.withUnsafeBufferPointer { args in
                    try dnnlCheck(dnnl_primitive_execute(primitive.handle, stream, Int32(args.count), args.baseAddress),
                                  "execute a primitive")
                }
            case .fill(let pointer, let count, let value):
                pointer.update(repeating: value, count: count)
            case .copy(let values, let pointer):
                values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
            case .native(let convolution):
                // Our kernel reads what the primitives before it wrote.
                try dnnlCheck(dnnl_stream_wait(stream), "finish the steps before a native convolution")
                convolution()
            }
        }
        try dnnlCheck(dnnl_stream_wait(stream), "finish execution")
    }
}
