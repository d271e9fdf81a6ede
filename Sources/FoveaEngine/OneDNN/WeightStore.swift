import CDNNL
import Foundation

/// Constants (weights, biases, broadcast operands) converted to the layout a
/// primitive asked for, shared by all plans of a model.
///
/// oneDNN usually picks the same weight layout for every batch size, so a
/// second plan costs no extra weight memory. Guarded by `lock`.
final class WeightStore: @unchecked Sendable {
    private struct Key: Hashable {
        let name: String
        let layout: [UInt8]
    }

    private let context: OneDNNContext
    private let lock = NSLock()
    private var memories: [Key: dnnl_memory_t] = [:]
    private struct NativeKey: Hashable {
        let name: String
        let kind: NativeConvolution.Kind
    }

    private var native: [NativeKey: NativeConvolutionWeights] = [:]

    init(context: OneDNNContext) { self.context = context }

    deinit { for memory in memories.values { dnnl_memory_destroy(memory) } }

    /// Memory holding `constant` in `layout`; `logicalShape` is how the
    /// row-major constant is viewed (e.g. grouped weights as g×o×i×h×w).
    func memory(for constant: NamedConstant, logicalShape: [Int], layout: dnnl_memory_desc_t) throws -> dnnl_memory_t {
        let key = Key(name: constant.name, layout: MemoryDescriptor.key(layout))
        lock.lock()
        defer { lock.unlock() }
        if let cached = memories[key] { return cached }
        guard case .float32(let floats) = constant.tensor.storage, floats.count == logicalShape.reduce(1, *) else {
            throw OneDNNError(operation: "prepare constant '\(constant.name)'", status: "not a float tensor of shape \(logicalShape)")
        }
        var layout = layout
        var target: dnnl_memory_t?
        // UInt.max is DNNL_MEMORY_ALLOCATE (a cast macro Swift cannot import): oneDNN owns the buffer.
        try dnnlCheck(dnnl_memory_create(&target, &layout, context.engine, UnsafeMutableRawPointer(bitPattern: UInt.max)), "allocate constant '\(constant.name)'")
        do {
            var sourceLayout = try MemoryDescriptor.plain(logicalShape)
            try floats.withUnsafeBufferPointer { values in
                var source: dnnl_memory_t?
                try dnnlCheck(dnnl_memory_create(&source, &sourceLayout, context.engine, UnsafeMutableRawPointer(mutating: values.baseAddress)),
                              "wrap constant '\(constant.name)'")
                defer { dnnl_memory_destroy(source) }
                try Reorder.run(from: source!, sourceLayout, to: target!, layout, context: context)
            }
        } catch {
            dnnl_memory_destroy(target)
            throw error
        }
        // The model file's copy is not read again by this plan; without
        // this, compiling a plan held both copies of every weight at once.
        floats.dropResidentPages()
        memories[key] = target!
        return target!
    }

    /// Bytes of every constant held, in every layout.
    var heldBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        let oneDNN = memories.values.reduce(0) { total, memory in total + (Self.layout(of: memory).map(MemoryDescriptor.size) ?? 0) }
        return oneDNN + native.values.reduce(0) { $0 + $1.bytes }
    }

    private static func layout(of memory: dnnl_memory_t) -> dnnl_memory_desc_t? {
        var layout: UnsafePointer<dnnl_memory_desc_t>?
        guard dnnl_memory_get_memory_desc(memory, &layout) == dnnl_success, let layout else { return nil }
        return layout.pointee
    }

    /// Layouts `constant` is already held in, so that a plan can read one of
    /// them instead of adding another copy.
    func layouts(of constant: NamedConstant) -> [dnnl_memory_desc_t] {
        lock.lock()
        defer { lock.unlock() }
        return memories.compactMap { key, memory in key.name == constant.name ? Self.layout(of: memory) : nil }
    }

    /// `convolution`'s 3×3 weights and bias in the form `native`'s kernel reads.
    func nativeWeights(for convolution: Kernel.Convolution, _ native: NativeConvolution) throws -> NativeConvolutionWeights {
        let key = NativeKey(name: convolution.weights.name, kind: native.kind)
        let channels = native.channels, outputChannels = native.outputChannels
        lock.lock()
        defer { lock.unlock() }
        if let cached = self.native[key] { return cached }
        func floats(_ constant: NamedConstant, count: Int) throws -> FloatBuffer {
            guard case .float32(let floats) = constant.tensor.storage, floats.count == count else {
                throw OneDNNError(operation: "prepare constant '\(constant.name)'", status: "not \(count) float values")
            }
            return floats
        }
        let weights = try floats(convolution.weights, count: outputChannels * channels * 9)
        let bias = try convolution.bias.map { try floats($0, count: outputChannels) }
        let packed = weights.withUnsafeBufferPointer { weights in
            if let bias {
                return bias.withUnsafeBufferPointer { bias in
                    NativeConvolutionWeights(native.kind, weights: weights, bias: bias, channels: channels, outputChannels: outputChannels)
                }
            }
            return NativeConvolutionWeights(native.kind, weights: weights, bias: nil, channels: channels, outputChannels: outputChannels)
        }
        weights.dropResidentPages()
        self.native[key] = packed
        return packed
    }
}

/// One-off layout conversion outside any plan (used for constants).
enum Reorder {
    static func run(from source: dnnl_memory_t, _ sourceLayout: dnnl_memory_desc_t,
                    to target: dnnl_memory_t, _ targetLayout: dnnl_memory_desc_t, context: OneDNNContext) throws {
        var sourceLayout = sourceLayout, targetLayout = targetLayout
        var pd: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, &sourceLayout, context.engine, &targetLayout, context.engine, nil),
                      "create a reorder")
        let descriptor = PrimitiveDescriptor(handle: pd!, what: "reorder")
        let primitive = try descriptor.makePrimitive()
        let stream = try context.makeStream()
        defer { dnnl_stream_destroy(stream) }
        var args = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: source), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: target)]
        try dnnlCheck(dnnl_primitive_execute(primitive.handle, stream, Int32(args.count), &args), "run a reorder")
        try dnnlCheck(dnnl_stream_wait(stream), "finish a reorder")
    }
}
