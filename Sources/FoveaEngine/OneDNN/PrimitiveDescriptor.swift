import CDNNL

/// Owns a oneDNN primitive descriptor: the chosen implementation and the
/// memory layouts it wants.
final class PrimitiveDescriptor {
    let handle: dnnl_primitive_desc_t
    let what: String

    init(handle: dnnl_primitive_desc_t, what: String) {
        self.handle = handle
        self.what = what
    }

    /// Creates a descriptor from an operation descriptor (`desc` points to a
    /// `dnnl_*_desc_t`).
    convenience init(operation desc: UnsafeRawPointer, attributes: PrimitiveAttributes, context: OneDNNContext, what: String) throws {
        var pd: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_primitive_desc_create(&pd, desc, attributes.handle, context.engine, nil), "create \(what)")
        self.init(handle: pd!, what: what)
    }

    /// Every implementation oneDNN has for an operation descriptor, in its
    /// order of preference (the first is what `init(operation:...)` picks).
    static func all(operation desc: UnsafeRawPointer, attributes: PrimitiveAttributes, context: OneDNNContext,
                    what: String) throws -> [PrimitiveDescriptor] {
        var iterator: dnnl_primitive_desc_iterator_t?
        try dnnlCheck(dnnl_primitive_desc_iterator_create(&iterator, desc, attributes.handle, context.engine, nil), "create \(what)")
        defer { dnnl_primitive_desc_iterator_destroy(iterator) }
        var descriptors: [PrimitiveDescriptor] = []
        repeat {
            guard let handle = dnnl_primitive_desc_iterator_fetch(iterator) else { break }
            descriptors.append(PrimitiveDescriptor(handle: handle, what: what))
        } while dnnl_primitive_desc_iterator_next(iterator) == dnnl_success
        return descriptors
    }

    deinit { dnnl_primitive_desc_destroy(handle) }

    /// oneDNN's name for the implementation, e.g. "jit_wino_4x3:avx512_core".
    var implementation: String { Self.implementation(of: handle) }

    private static func implementation(of descriptor: const_dnnl_primitive_desc_t?) -> String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name else { return "" }
        return String(cString: name)
    }

    /// Whether oneDNN chose a reference implementation (see `PlanStep.isReference`).
    var isReference: Bool { implementation.hasPrefix("ref") }

    /// Whether the implementation is generated machine code for this CPU
    /// (`jit:avx2`, `brg:avx512_core`, …) rather than C++ loops.
    var isJIT: Bool { implementation.hasPrefix("jit") || implementation.hasPrefix("brg") }

    /// Whether the implementation is one of the JIT kernels made for 1×1
    /// convolutions ("jit_1x1:avx2", "brgconv_1x1:avx512_core").
    var isPointwiseJIT: Bool { isJIT && implementation.contains("1x1") }

    /// Shapes of the activations the primitive reads (not its weights).
    var sourceShapes: [[Int]] {
        var shapes: [[Int]] = []
        for index in 0..<Int32(64) {
            guard let layout = dnnl_primitive_desc_query_md(handle, dnnl_query_src_md, index), layout.pointee.ndims > 0 else { break }
            shapes.append(MemoryDescriptor.shape(layout.pointee))
        }
        return shapes
    }

    var destinationShape: [Int] { MemoryDescriptor.shape(memoryDescriptor(dnnl_query_dst_md)) }

    func memoryDescriptor(_ query: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(handle, query, index).pointee
    }

    /// The layout the primitive wants for execution argument `argument`
    /// (e.g. a fused post-op's weights, which have no query of their own).
    func memoryDescriptor(argument: Int32) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(handle, dnnl_query_exec_arg_md, argument).pointee
    }

    var scratchpad: dnnl_memory_desc_t { memoryDescriptor(dnnl_query_scratchpad_md) }

    func makePrimitive() throws -> Primitive {
        var primitive: dnnl_primitive_t?
        try dnnlCheck(dnnl_primitive_create(&primitive, handle), "instantiate \(what)")
        return Primitive(handle: primitive!)
    }
}

/// Owns a compiled oneDNN primitive.
final class Primitive {
    let handle: dnnl_primitive_t

    init(handle: dnnl_primitive_t) { self.handle = handle }

    deinit { dnnl_primitive_destroy(handle) }
}

/// Primitive attributes: post-ops and the user-managed scratchpad, which
/// lets every primitive of a plan share one scratch buffer.
final class PrimitiveAttributes {
    let handle: dnnl_primitive_attr_t

    /// `depthwise` adds a fused depthwise convolution after `postOps`,
    /// followed by its own activations.
    init(postOps: [PostOp] = [], depthwise: FusedDepthwise? = nil) throws {
        var attributes: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attributes), "create primitive attributes")
        handle = attributes!
        try dnnlCheck(dnnl_primitive_attr_set_scratchpad_mode(handle, dnnl_scratchpad_mode_user), "request a user scratchpad")
        guard !postOps.isEmpty || depthwise != nil else { return }
        var list: dnnl_post_ops_t?
        try dnnlCheck(dnnl_post_ops_create(&list), "create post-ops")
        defer { dnnl_post_ops_destroy(list) }
        try Self.append(postOps, to: list)
        if let depthwise {
            let biasType = depthwise.depthwise.bias == nil ? dnnl_data_type_undef : dnnl_f32
            try dnnlCheck(dnnl_post_ops_append_dw(list, dnnl_f32, biasType, dnnl_f32, 3, Int64(depthwise.stride),
                                                  Int64(depthwise.padding), 0, 0, nil),
                          "append a depthwise post-op")
            try Self.append(depthwise.depthwise.postOps, to: list)
        }
        try dnnlCheck(dnnl_primitive_attr_set_post_ops(handle, list), "attach post-ops")
    }

    private static func append(_ postOps: [PostOp], to list: dnnl_post_ops_t?) throws {
        for postOp in postOps {
            switch postOp {
            case .residualAdd:
                try dnnlCheck(dnnl_post_ops_append_sum(list, 1), "append a sum post-op")
            case .activation(let function):
                for step in EltwiseStep.steps(for: function) {
                    try dnnlCheck(dnnl_post_ops_append_eltwise(list, 1, step.algorithm, step.alpha, step.beta),
                                  "append a \(function) post-op")
                }
            }
        }
    }

    deinit { dnnl_primitive_attr_destroy(handle) }
}

/// One oneDNN eltwise algorithm with its parameters. Some activations need
/// two (oneDNN 2.6 has no hard-sigmoid: it is linear then clip).
struct EltwiseStep {
    let algorithm: dnnl_alg_kind_t
    let alpha: Float
    let beta: Float

    static func steps(for function: ActivationFunction) -> [EltwiseStep] {
        switch function {
        case .relu: return [EltwiseStep(algorithm: dnnl_eltwise_relu, alpha: 0, beta: 0)]
        case .leakyRelu(let alpha): return [EltwiseStep(algorithm: dnnl_eltwise_relu, alpha: alpha, beta: 0)]
        case .clip(let low, let high): return [EltwiseStep(algorithm: dnnl_eltwise_clip, alpha: low, beta: high)]
        case .sigmoid: return [EltwiseStep(algorithm: dnnl_eltwise_logistic, alpha: 0, beta: 0)]
        case .hardSigmoid(let alpha, let beta):
            return [EltwiseStep(algorithm: dnnl_eltwise_linear, alpha: alpha, beta: beta),
                    EltwiseStep(algorithm: dnnl_eltwise_clip, alpha: 0, beta: 1)]
        case .hardSwish: return [EltwiseStep(algorithm: dnnl_eltwise_hardswish, alpha: 0, beta: 0)]
        case .tanh: return [EltwiseStep(algorithm: dnnl_eltwise_tanh, alpha: 0, beta: 0)]
        case .swish: return [EltwiseStep(algorithm: dnnl_eltwise_swish, alpha: 1, beta: 0)]
        }
    }
}
