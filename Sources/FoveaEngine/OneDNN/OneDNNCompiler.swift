import CDNNL

/// Compiles an `ExecutionProgram` into a `OneDNNPlan`.
///
/// Layout policy: compute primitives (convolution, pooling, inner product)
/// choose their own activation layouts (`format_tag any`, typically blocked
/// nChw8c/16c or nhwc) unless the `ConvolutionStrategy` fixes the
/// convolutions' to the one its kernels share, and layout-agnostic
/// consumers (eltwise, binary, pooling, concat, sum, LRN) take whatever
/// their producer chose, so consecutive convolutions never reorder. Only
/// kernels that depend on element order (reshape, transpose, slice, pad,
/// softmax, matmul) see a plain copy.
struct OneDNNCompiler {
    /// `zeroed`: the plan's own, zero at its creation, written only inside
    /// the border its zeros form (see `zeroBorderedCopy`).
    private enum BufferKind { case arena, input(Int), output(Int), zeroed }

    private enum Argument {
        /// A buffer's memory from a byte offset on.
        case buffer(Int, dnnl_memory_desc_t, offset: Int)
        case constant(dnnl_memory_t)
        case scratchpad(dnnl_memory_desc_t)
    }

    private enum PendingStep {
        case primitive(Primitive, [(Int32, Argument)])
        case fill(buffer: Int, count: Int, value: Float)
        case copy([Float], buffer: Int)
        case native(NativeConvolution, NativeConvolutionWeights, source: Value, destination: Value)
        case nativeMaxPooling(NativeMaxPooling, source: Value, destination: Value)
        case nativeChannelBinary(NativeChannelBinary, source: Value, operand: Value, destination: Value)
        case nativeInnerProduct(NativeInnerProduct, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, source: Value, destination: Value)
    }

    private struct Value {
        var buffer: Int
        var layout: dnnl_memory_desc_t
        /// Bytes into the buffer: non-zero for a source's slot in an in-place concat.
        var offset = 0
    }

    /// Progress of an in-place concat; its first producer fixes the format.
    private enum ConcatAssembly {
        case undecided
        case rejected
        case assembling(buffer: Int, format: dnnl_format_tag_t)
    }

    private let context: OneDNNContext
    private let weights: WeightStore
    private let program: ExecutionProgram
    private let threads: Int
    private let strategy: ConvolutionStrategy
    private var buffers: [BufferArena.Buffer] = []
    private var bufferKinds: [BufferKind] = []
    private var values: [String: Value] = [:]
    /// Copies of values in other layouts, reused by later readers.
    private var conversions: [String: [Value]] = [:]
    private var steps: [PendingStep] = []
    /// What each of `steps` computes and on which implementation.
    private var reports: [PlanStep] = []
    private var scratchpadBytes = 0
    /// Index of the last kernel reading each value (outputs: past the end).
    private var lastUse: [String: Int] = [:]
    private var kernelIndex = 0
    private var concats: [InPlaceConcat] = []
    private var concatAssemblies: [ConcatAssembly] = []
    /// Source value → index into `concats` of the family it is placed in.
    private var concatSlots: [String: Int] = [:]
    /// Concat result → index into `concats` of its family.
    private var concatResults: [String: Int] = [:]
    /// Values already in their place in a concat family's buffer.
    private var placedInConcat: Set<String> = []
    /// Concat + channel shuffle groups by the concat's kernel index.
    private var shuffles: [Int: ShuffledConcat] = [:]
    /// Channel shuffles of one activation, by the index of their first reshape.
    private var channelShuffles: [Int: ChannelShuffle] = [:]
    /// Convolutions (by destination) run in their source's layout (`GroupedNeighbourLayouts`).
    private var betweenGroupedNeighbours: Set<String> = []
    /// Pairs of 1×1 and depthwise convolutions by the 1×1's kernel index.
    private var fusedDepthwise: [Int: FusedDepthwise] = [:]
    private var fusedDepthwiseCount = 0
    /// Kernels a shuffled concat or a fused pair already covers.
    private var coveredKernels: Set<Int> = []
    /// The kernels reading each value.
    private var programReaders: [String: [Int]] = [:]
    /// Shapes of values the compiler adds (padded copies).
    private var derivedShapes: [String: [Int]] = [:]
    /// Values a convolution writes that only convolutions read, all of
    /// which keep blocked layouts (see `convolutionLinks(in:strategy:)`).
    private var convolutionLinks: Set<String> = []

    static func compile(_ program: ExecutionProgram, context: OneDNNContext, weights: WeightStore, threads: Int,
                        algorithm: ConvolutionAlgorithm) throws -> OneDNNPlan {
        var compiler = OneDNNCompiler(context: context, weights: weights, program: program, threads: threads, algorithm: algorithm)
        return try compiler.run()
    }

    private init(context: OneDNNContext, weights: WeightStore, program: ExecutionProgram, threads: Int, algorithm: ConvolutionAlgorithm) {
        self.context = context
        self.weights = weights
        self.program = program
        self.threads = threads
        self.strategy = ConvolutionStrategy(algorithm)
    }

    // MARK: Driver

    private mutating func run() throws -> OneDNNPlan {
        for (index, kernel) in program.kernels.enumerated() {
            for source in kernel.sources { lastUse[source] = index }
        }
        for output in program.outputs { lastUse[output.value] = Int.max }
        convolutionLinks = Self.convolutionLinks(in: program, strategy: strategy)
        programReaders = program.readers()
        for shuffle in ShuffledConcat.find(in: program) {
            shuffles[shuffle.kernels[0]] = shuffle
            coveredKernels.formUnion(shuffle.kernels.dropFirst())
        }
        for shuffle in ChannelShuffle.find(in: program) where !coveredKernels.contains(shuffle.kernels[0]) {
            channelShuffles[shuffle.kernels[0]] = shuffle
            coveredKernels.formUnion(shuffle.kernels.dropFirst())
        }
        betweenGroupedNeighbours = GroupedNeighbourLayouts.convolutions(in: program, shuffles: Array(channelShuffles.values),
                                                                       block: strategy.blockedActivations?.channels ?? 8)
        let shuffledSources = Set(shuffles.values.flatMap(\.sources))
        concats = InPlaceConcat.candidates(in: program, excluding: shuffledSources)
        concatAssemblies = concats.map { _ in .undecided }
        for (index, family) in concats.enumerated() {
            for source in family.sources.keys { concatSlots[source] = index }
            for result in family.results.keys { concatResults[result] = index }
        }
        let concatSources = shuffledSources.union(concats.flatMap { Array($0.sources.keys) + Array($0.results.keys) })
        for fusion in FusedDepthwise.find(in: program, excluding: concatSources)
        where !coveredKernels.contains(fusion.pointwiseIndex) && !coveredKernels.contains(fusion.depthwiseIndex) {
            fusedDepthwise[fusion.pointwiseIndex] = fusion
            coveredKernels.insert(fusion.depthwiseIndex)
        }
        for (index, input) in program.inputs.enumerated() {
            let layout = try MemoryDescriptor.plain(input.type.shape)
            values[input.name] = Value(buffer: newBuffer(size: MemoryDescriptor.size(layout), kind: .input(index)), layout: layout)
        }
        for (index, kernel) in program.kernels.enumerated() where !coveredKernels.contains(index) {
            kernelIndex = index
            if let shuffle = shuffles[index] {
                try compileShuffledConcat(shuffle)
            } else if let shuffle = channelShuffles[index] {
                try compileChannelShuffle(shuffle)
            } else if let fusion = fusedDepthwise[index] {
                try compileFusedDepthwise(fusion)
            } else {
                try compile(kernel)
            }
        }
        for (index, output) in program.outputs.enumerated() {
            let shape = program.types[output.value]!.shape
            let layout = try MemoryDescriptor.plain(shape)
            let computed = try value(output.value)
            if MemoryDescriptor.equal(computed.layout, layout), computed.offset == 0, case .arena = bufferKinds[computed.buffer] {
                // Already row-major: the producer writes straight into the output.
                bufferKinds[computed.buffer] = .output(index)
                continue
            }
            let buffer = newBuffer(size: MemoryDescriptor.size(layout), kind: .output(index))
            kernelIndex = program.kernels.count
            try reorder(computed, into: Value(buffer: buffer, layout: layout))
        }
        return try finish()
    }

    /// Places the arena's buffers and the scratchpad in the workspace
    /// (offsets; `PlanWorkspace` binds them) and allocates the plan's own
    /// input and output buffers.
    private mutating func finish() throws -> OneDNNPlan {
        let arenaIndices = bufferKinds.indices.filter { if case .arena = bufferKinds[$0] { return true } else { return false } }
        let (offsets, arenaSize) = BufferArena.layout(arenaIndices.map { buffers[$0] })
        let scratchpadOffset = (arenaSize + BufferArena.alignment - 1) / BufferArena.alignment * BufferArena.alignment
        var allocations: [UnsafeMutableRawPointer] = []
        func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 4096)
            allocations.append(pointer)
            return pointer
        }
        var addresses = Array(repeating: OneDNNPlan.Address.workspace(offset: 0), count: buffers.count)
        for (slot, index) in arenaIndices.enumerated() { addresses[index] = .workspace(offset: offsets[slot]) }
        var inputs = Array(repeating: UnsafeMutableBufferPointer<Float>(start: nil, count: 0), count: program.inputs.count)
        var outputs = Array(repeating: UnsafeMutableBufferPointer<Float>(start: nil, count: 0), count: program.outputs.count)
        for (index, kind) in bufferKinds.enumerated() {
            switch kind {
            case .arena: continue
            case .input(let slot):
                let pointer = allocate(buffers[index].size)
                addresses[index] = .owned(pointer)
                inputs[slot] = UnsafeMutableBufferPointer(start: pointer.bindMemory(to: Float.self, capacity: buffers[index].size / 4),
                                                          count: program.inputs[slot].type.elementCount)
            case .zeroed:
                let pointer = allocate(buffers[index].size)
                pointer.initializeMemory(as: UInt8.self, repeating: 0, count: buffers[index].size)
                addresses[index] = .owned(pointer)
            case .output(let slot):
                let pointer = allocate(buffers[index].size)
                addresses[index] = .owned(pointer)
                let count = program.types[program.outputs[slot].value]!.elementCount
                outputs[slot] = UnsafeMutableBufferPointer(start: pointer.bindMemory(to: Float.self, capacity: max(count, 1)), count: count)
            }
        }
        func address(_ buffer: Int, offset: Int) -> OneDNNPlan.Address {
            switch addresses[buffer] {
            case .workspace(let start): return .workspace(offset: start + offset)
            case .owned(let pointer): return .owned(pointer + offset)
            }
        }
        var memories: [dnnl_memory_t] = []
        var workspaceMemories: [(memory: dnnl_memory_t, offset: Int)] = []
        var inputMemories = Array(repeating: [dnnl_memory_t](), count: program.inputs.count)
        func memory(_ layout: dnnl_memory_desc_t, at address: OneDNNPlan.Address) throws -> dnnl_memory_t {
            var layout = layout
            var memory: dnnl_memory_t?
            switch address {
            case .owned(let pointer):
                try dnnlCheck(dnnl_memory_create(&memory, &layout, context.engine, pointer), "bind plan memory")
            case .workspace(let offset):
                // No buffer yet (DNNL_MEMORY_NONE); the workspace binds it.
                try dnnlCheck(dnnl_memory_create(&memory, &layout, context.engine, nil), "describe plan memory")
                workspaceMemories.append((memory!, offset))
            }
            memories.append(memory!)
            return memory!
        }
        var executable: [OneDNNPlan.Step] = []
        do {
            for step in steps {
                switch step {
                case .primitive(let primitive, let arguments):
                    let bound = try arguments.map { kind, argument -> dnnl_exec_arg_t in
                        switch argument {
                        case .buffer(let buffer, let layout, let offset):
                            let bound = try memory(layout, at: address(buffer, offset: offset))
                            if case .input(let slot) = bufferKinds[buffer] { inputMemories[slot].append(bound) }
                            return dnnl_exec_arg_t(arg: kind, memory: bound)
                        case .constant(let constant): return dnnl_exec_arg_t(arg: kind, memory: constant)
                        case .scratchpad(let layout):
                            return dnnl_exec_arg_t(arg: kind, memory: try memory(layout, at: .workspace(offset: scratchpadOffset)))
                        }
                    }
                    executable.append(.primitive(primitive, bound))
                case .fill(let buffer, let count, let value):
                    executable.append(.fill(address(buffer, offset: 0), count: count, value: value))
                case .copy(let values, let buffer):
                    executable.append(.copy(values, to: address(buffer, offset: 0)))
                case .native(let convolution, let weights, let source, let destination):
                    executable.append(.native(convolution, weights, source: address(source.buffer, offset: source.offset),
                                              destination: address(destination.buffer, offset: destination.offset),
                                              scratch: .workspace(offset: scratchpadOffset)))
                case .nativeMaxPooling(let pooling, let source, let destination):
                    executable.append(.nativeMaxPooling(pooling, source: address(source.buffer, offset: source.offset),
                                                        destination: address(destination.buffer, offset: destination.offset)))
                case .nativeChannelBinary(let binary, let source, let operand, let destination):
                    executable.append(.nativeChannelBinary(binary, source: address(source.buffer, offset: source.offset),
                                                           operand: address(operand.buffer, offset: operand.offset),
                                                           destination: address(destination.buffer, offset: destination.offset)))
                case .nativeInnerProduct(let product, let weights, let bias, let source, let destination):
                    executable.append(.nativeInnerProduct(product, weights: weights, bias: bias,
                                                          source: address(source.buffer, offset: source.offset),
                                                          destination: address(destination.buffer, offset: destination.offset)))
                }
            }
            let stream = try context.makeStream()
            return OneDNNPlan(steps: executable, reports: reports, memories: memories, workspaceMemories: workspaceMemories, allocations: allocations,
                              stream: stream, threads: threads, weights: weights, inputs: inputs, inputMemories: inputMemories,
                              outputs: outputs, arenaBytes: arenaSize, workspaceBytes: scratchpadOffset + scratchpadBytes,
                              fusedDepthwiseConvolutions: fusedDepthwiseCount)
        } catch {
            for memory in memories { dnnl_memory_destroy(memory) }
            for allocation in allocations { allocation.deallocate() }
            throw error
        }
    }

    /// Activations between convolutions that may take a padded blocked
    /// layout. Kept only while the convolution writing one and every
    /// convolution reading it hold that side blocked (see
    /// `ConvolutionStrategy.convolutionFormats`); otherwise a reorder would
    /// wrap the convolutions that did, as ShuffleNet's channel splits would.
    private static func convolutionLinks(in program: ExecutionProgram, strategy: ConvolutionStrategy) -> Set<String> {
        let convolutions = program.kernels.compactMap { kernel -> Kernel.Convolution? in
            if case .convolution(let conv) = kernel { return conv } else { return nil }
        }
        var otherReaders = Set(program.outputs.map(\.value))
        for kernel in program.kernels {
            if case .convolution = kernel { continue }
            otherReaders.formUnion(kernel.sources)
        }
        var links = Set(convolutions.map(\.destination)).subtracting(otherReaders)
        var changed = true
        while changed {
            changed = false
            for conv in convolutions {
                let formats = strategy.convolutionFormats(
                    source: program.types[conv.source]!.shape, destination: program.types[conv.destination]!.shape,
                    linked: (links.contains(conv.source), links.contains(conv.destination)))
                var unheld: [String] = []
                if formats.source == nil { unheld.append(conv.source) }
                if formats.destination == nil { unheld += [conv.destination] + (conv.residual.map { [$0] } ?? []) }
                for value in unheld where links.remove(value) != nil { changed = true }
            }
        }
        return links
    }

    // MARK: Buffers and values

    private mutating func newBuffer(size: Int, kind: BufferKind = .arena) -> Int {
        buffers.append(BufferArena.Buffer(size: size, firstStep: steps.count, lastStep: steps.count))
        bufferKinds.append(kind)
        return buffers.count - 1
    }

    /// Marks `buffer` as used by the step about to be appended.
    private mutating func touch(_ buffer: Int) {
        buffers[buffer].firstStep = min(buffers[buffer].firstStep, steps.count)
        buffers[buffer].lastStep = max(buffers[buffer].lastStep, steps.count)
    }

    private func value(_ name: String) throws -> Value {
        guard let value = values[name] else {
            throw OneDNNError(operation: "find value '\(name)'", status: "it was not computed before use")
        }
        return value
    }

    private func shape(_ name: String) -> [Int] { program.types[name]?.shape ?? derivedShapes[name]! }

    private mutating func define(_ name: String, layout: dnnl_memory_desc_t) -> Value {
        let value = Value(buffer: newBuffer(size: MemoryDescriptor.size(layout)), layout: layout)
        values[name] = value
        return value
    }

    private mutating func argument(_ value: Value) -> Argument {
        touch(value.buffer)
        return .buffer(value.buffer, value.layout, offset: value.offset)
    }

    /// `name` in exactly `layout`: where it is, or a copy converted once
    /// and shared by every reader wanting that layout (ParNet's branches
    /// read the same activation in the same blocked layout three times).
    private mutating func source(_ name: String, as layout: dnnl_memory_desc_t) throws -> Value {
        let current = try value(name)
        if MemoryDescriptor.equal(current.layout, layout) { return current }
        if let converted = conversions[name]?.first(where: { MemoryDescriptor.equal($0.layout, layout) }) { return converted }
        let converted = Value(buffer: newBuffer(size: MemoryDescriptor.size(layout)), layout: layout)
        try reorder(current, into: converted)
        conversions[name, default: []].append(converted)
        return converted
    }

    /// Whether every kernel reading `name` copies it into a layout of its
    /// own (a convolution, a shuffled concat), so that it may stay a
    /// strided view: ShuffleNet v2 splits the channels of a batch in two,
    /// and each half was copied out dense and then copied again into the
    /// layout its reader wanted.
    private func readersConvert(_ name: String) -> Bool {
        guard let readers = programReaders[name], !program.outputs.contains(where: { $0.value == name }) else { return false }
        return readers.allSatisfy { index in
            if case .convolution = program.kernels[index] { return true }
            return shuffles.values.contains { $0.sources.contains(name) }
        }
    }

    /// `name` in row-major layout.
    private mutating func plainSource(_ name: String) throws -> Value {
        try source(name, as: try MemoryDescriptor.plain(shape(name)))
    }

    /// Whether a value or a converted copy in `buffer` is read after the
    /// kernel being compiled, so that the buffer must not be overwritten.
    private func isReadLater(_ buffer: Int) -> Bool {
        values.contains { $0.value.buffer == buffer && (lastUse[$0.key] ?? -1) > kernelIndex }
            || conversions.contains { name, copies in copies.contains { $0.buffer == buffer } && (lastUse[name] ?? -1) > kernelIndex }
    }

    /// Copies `from` into `to`, converting the layout. `operation` names
    /// the step in the plan's report: a plain "Reorder" only changes a
    /// layout; a concat's copies into its result are the "Concat" itself.
    private mutating func reorder(_ from: Value, into to: Value, operation: String = "Reorder") throws {
        var sourceLayout = from.layout, targetLayout = to.layout
        var pd: dnnl_primitive_desc_t?
        let attributes = try PrimitiveAttributes()
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, &sourceLayout, context.engine, &targetLayout, context.engine, attributes.handle),
                      "create a reorder")
        let descriptor = PrimitiveDescriptor(handle: pd!, what: "reorder")
        try append(descriptor, [(DNNL_ARG_FROM, argument(from)), (DNNL_ARG_TO, argument(to))], operation: operation)
    }

    /// Appends a primitive; `operation` names it in the plan's report
    /// (default: the operator of the kernel being compiled).
    private mutating func append(_ descriptor: PrimitiveDescriptor, _ arguments: [(Int32, Argument)], operation: String? = nil) throws {
        var arguments = arguments
        let scratchpad = descriptor.scratchpad
        let bytes = MemoryDescriptor.size(scratchpad)
        if bytes > 0 {
            scratchpadBytes = max(scratchpadBytes, bytes)
            arguments.append((DNNL_ARG_SCRATCHPAD, .scratchpad(scratchpad)))
        }
        append(.primitive(try descriptor.makePrimitive(), arguments), operation: operation, implementation: descriptor.implementation,
               shapes: PlanStep.shapesText(inputs: descriptor.sourceShapes, outputs: [descriptor.destinationShape]))
    }

    private mutating func append(_ step: PendingStep, operation: String? = nil, implementation: String, shapes: String) {
        steps.append(step)
        let kernel = program.kernels.indices.contains(kernelIndex) ? program.kernels[kernelIndex] : nil
        reports.append(PlanStep(node: kernel == nil ? "<outputs>" : program.nodeNames[kernelIndex],
                                operation: operation ?? kernel?.operation ?? "Output", shapes: shapes,
                                implementation: implementation))
    }

    private func constantMemory(_ constant: NamedConstant, logicalShape: [Int], layout: dnnl_memory_desc_t) throws -> Argument {
        .constant(try weights.memory(for: constant, logicalShape: logicalShape, layout: layout))
    }

    /// Operands of element-wise kernels are viewed at the output's rank.
    private func padded(_ shape: [Int], rank: Int) -> [Int] {
        Array(repeating: 1, count: rank - shape.count) + shape
    }

    // MARK: Kernels

    private mutating func compile(_ kernel: Kernel) throws {
        switch kernel {
        case .convolution(let conv): try compileConvolution(conv)
        case .pooling(let pool): try compilePooling(pool)
        case .innerProduct(let product): try compileInnerProduct(product)
        case .batchNormalization(let norm): try compileBatchNormalization(norm)
        case .localResponseNormalization(let lrn):
            let input = try value(lrn.source)
            var layout = input.layout
            var desc = dnnl_lrn_desc_t()
            try dnnlCheck(dnnl_lrn_forward_desc_init(&desc, dnnl_forward_inference, dnnl_lrn_across_channels, &layout,
                                                     Int64(lrn.size), lrn.alpha, lrn.beta, lrn.bias), "describe LRN")
            let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "LRN")
            let output = define(lrn.destination, layout: descriptor.memoryDescriptor(dnnl_query_dst_md))
            try append(descriptor, [(DNNL_ARG_SRC, argument(input)), (DNNL_ARG_DST, argument(output))])
        case .activation(let source, let destination, let function):
            var current = try value(source)
            let output = define(destination, layout: current.layout)
            for step in EltwiseStep.steps(for: function) {
                var layout = current.layout
                var desc = dnnl_eltwise_desc_t()
                try dnnlCheck(dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_inference, step.algorithm, &layout, step.alpha, step.beta),
                              "describe \(function)")
                let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "\(function)")
                try append(descriptor, [(DNNL_ARG_SRC, argument(current)), (DNNL_ARG_DST, argument(output))])
                current = output
            }
        case .binary(let function, let left, let right, let destination, let postOps):
            try compileBinary(function, left, right, destination, postOps)
        case .sum(let sources, let destination):
            let scales = Array(repeating: Float(1), count: sources.count), engine = context.engine
            try compileCombining(sources, into: destination, what: "sum") { pd, target, layouts, attributes in
                dnnl_sum_primitive_desc_create(&pd, &target, Int32(sources.count), scales, &layouts, attributes, engine)
            }
        case .concat(let sources, let axis, let destination):
            if try assembleInPlace(destination) { return }
            let engine = context.engine
            let create: (inout dnnl_primitive_desc_t?, inout dnnl_memory_desc_t, inout [dnnl_memory_desc_t], dnnl_primitive_attr_t)
                -> dnnl_status_t = { pd, target, layouts, attributes in
                    dnnl_concat_primitive_desc_create(&pd, &target, Int32(sources.count), Int32(axis), &layouts, attributes, engine)
                }
            if try concatenates(sources, into: destination, create) {
                try compileCombining(sources, into: destination, what: "concat", create)
            } else {
                try compileConcatByReorders(sources, axis: axis, into: destination)
            }
        case .softmax(let source, let destination, let axis, let logarithmic):
            let input = try plainSource(source)
            var layout = input.layout
            var desc = dnnl_softmax_desc_t()
            if logarithmic {
                try dnnlCheck(dnnl_logsoftmax_forward_desc_init(&desc, dnnl_forward_inference, &layout, Int32(axis)), "describe LogSoftmax")
            } else {
                try dnnlCheck(dnnl_softmax_forward_desc_init(&desc, dnnl_forward_inference, &layout, Int32(axis)), "describe Softmax")
            }
            let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "softmax")
            let output = define(destination, layout: input.layout)
            try append(descriptor, [(DNNL_ARG_SRC, argument(input)), (DNNL_ARG_DST, argument(output))])
        case .reduceMean(let source, let destination):
            let input = try value(source)
            let inputShape = shape(source)
            let kept = try reducedShape(input: inputShape, output: shape(destination))
            if inputShape.count >= 3, kept == Array(inputShape.prefix(2)) + Array(repeating: 1, count: inputShape.count - 2) {
                try compileSpatialMean(input, inputShape: inputShape, pooledShape: kept, destination: destination)
                return
            }
            var sourceLayout = input.layout
            var target = try MemoryDescriptor.plain(kept)
            var desc = dnnl_reduction_desc_t()
            try dnnlCheck(dnnl_reduction_desc_init(&desc, dnnl_reduction_mean, &sourceLayout, &target, 0, 0), "describe ReduceMean")
            let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "ReduceMean")
            let output = define(destination, layout: try MemoryDescriptor.plain(shape(destination)))
            try append(descriptor, [(DNNL_ARG_SRC, argument(input)), (DNNL_ARG_DST, argument(Value(buffer: output.buffer, layout: target, offset: output.offset)))])
        case .matMul(let left, let right, let destination):
            try compileMatMul(left, right, destination)
        case .prelu(let source, let slope, let destination):
            let input = try value(source)
            let rank = shape(source).count
            var layout = input.layout
            let slopeShape: [Int]
            switch slope {
            case .constant(let constant): slopeShape = padded(constant.tensor.shape, rank: rank)
            case .value(let name): slopeShape = padded(shape(name), rank: rank)
            }
            var slopeLayout = try MemoryDescriptor.any(slopeShape)
            var desc = dnnl_prelu_desc_t()
            try dnnlCheck(dnnl_prelu_forward_desc_init(&desc, dnnl_forward_inference, &layout, &slopeLayout), "describe PRelu")
            let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "PRelu")
            let weightsLayout = descriptor.memoryDescriptor(dnnl_query_weights_md)
            let slopeArgument: Argument
            switch slope {
            case .constant(let constant): slopeArgument = try constantMemory(constant, logicalShape: slopeShape, layout: weightsLayout)
            case .value(let name):
                let viewed = try plainSource(name)
                slopeArgument = argument(try converted(Value(buffer: viewed.buffer, layout: try MemoryDescriptor.plain(slopeShape), offset: viewed.offset), to: weightsLayout))
            }
            let output = define(destination, layout: descriptor.memoryDescriptor(dnnl_query_dst_md))
            try append(descriptor, [(DNNL_ARG_SRC, argument(input)), (DNNL_ARG_WEIGHTS, slopeArgument), (DNNL_ARG_DST, argument(output))])
        case .reshape(let source, let destination) where shape(destination) == shape(source):
            try alias(destination, to: source)
        case .reshape(let source, let destination):
            let current = try value(source)
            if shape(destination) == Array(shape(source).prefix(2)), let view = try MemoryDescriptor.channelView(of: current.layout) {
                values[destination] = Value(buffer: current.buffer, layout: view, offset: current.offset)
                return
            }
            let input = try plainSource(source)
            values[destination] = Value(buffer: input.buffer, layout: try MemoryDescriptor.plain(shape(destination)), offset: input.offset)
        case .transpose(let source, let destination, let permutation):
            let input = try plainSource(source)
            let inputShape = shape(source)
            let strides = ShapeMath.strides(of: inputShape)
            let view = try MemoryDescriptor.strided(permutation.map { inputShape[$0] }, strides: permutation.map { strides[$0] })
            let output = define(destination, layout: try MemoryDescriptor.plain(shape(destination)))
            try reorder(Value(buffer: input.buffer, layout: view, offset: input.offset), into: output)
        case .slice(let source, let destination, let region)
            where region.shape == shape(source) && region.starts.allSatisfy({ $0 == 0 }) && region.steps.allSatisfy({ $0 == 1 }):
            // All of the source (GhostNet trims a concat to its own width).
            try alias(destination, to: source)
        case .slice(let source, let destination, let region):
            guard region.steps.allSatisfy({ $0 > 0 }) else {
                throw OneDNNError(operation: "slice '\(source)'", status: "negative steps are not supported")
            }
            if let view = try channelRange(of: source, region) {
                values[destination] = view
                return
            }
            let input = try plainSource(source)
            let strides = ShapeMath.strides(of: shape(source))
            let offset = zip(region.starts, strides).reduce(0) { $0 + $1.0 * $1.1 }
            let viewStrides = zip(strides, region.steps).map { $0 * $1 }
            let denseStrides = ShapeMath.strides(of: region.shape)
            let contiguous = region.shape.allSatisfy { $0 > 0 } && region.shape.indices.allSatisfy { region.shape[$0] == 1 || viewStrides[$0] == denseStrides[$0] }
            if contiguous, case .arena = bufferKinds[input.buffer] {
                // One block of the source (e.g. a channel range of one image): read it where it is.
                let view = Value(buffer: input.buffer, layout: try MemoryDescriptor.plain(region.shape),
                                 offset: input.offset + offset * MemoryLayout<Float>.size)
                values[destination] = view
                return
            }
            let view = Value(buffer: input.buffer, layout: try MemoryDescriptor.strided(region.shape, strides: viewStrides, offset: offset),
                             offset: input.offset)
            if readersConvert(destination) {
                values[destination] = view
                return
            }
            try reorder(view, into: define(destination, layout: try MemoryDescriptor.plain(shape(destination))))
        case .pad(let source, let destination, let begin, let fill):
            let input = try plainSource(source)
            let outputShape = shape(destination)
            let output = define(destination, layout: try MemoryDescriptor.plain(outputShape))
            touch(output.buffer)
            append(.fill(buffer: output.buffer, count: outputShape.reduce(1, *), value: fill), operation: "Fill",
                   implementation: "fovea:fill", shapes: PlanStep.shapesText(inputs: [], outputs: [outputShape]))
            let strides = ShapeMath.strides(of: outputShape)
            let offset = zip(begin, strides).reduce(0) { $0 + $1.0 * $1.1 }
            let window = try MemoryDescriptor.strided(shape(source), strides: strides, offset: offset)
            try reorder(input, into: Value(buffer: output.buffer, layout: window))
        case .constantOutput(let constant, let destination):
            let output = define(destination, layout: try MemoryDescriptor.plain(shape(destination)))
            touch(output.buffer)
            append(.copy(constant.tensor.floats, buffer: output.buffer), implementation: "fovea:copy",
                   shapes: PlanStep.shapesText(inputs: [constant.tensor.shape], outputs: [shape(destination)]))
        }
    }

    /// A Sum or Concat of `sources`. oneDNN's fast kernels for them read
    /// dense sources of one format; for mixed formats, or channel-padded
    /// blocks concatenated off the block grid, it has only the reference
    /// kernel. Then the sources are converted to a common format first: the
    /// one most of them are in already, among those oneDNN has a fast
    /// kernel for (plain first among equals).
    private mutating func compileCombining(
        _ sources: [String], into destination: String, what: String,
        _ create: (inout dnnl_primitive_desc_t?, inout dnnl_memory_desc_t, inout [dnnl_memory_desc_t], dnnl_primitive_attr_t) -> dnnl_status_t
    ) throws {
        let computed = try sources.map { try value($0).layout }
        let formats = computed.map(MemoryDescriptor.formatTag(of:))
        let common = MemoryDescriptor.activationTags(rank: shape(destination).count).reversed()
            .map { tag in (tag, formats.count { $0 == tag }) }
            .sorted { $0.1 > $1.1 }
        let candidates = try [computed] + common.map { tag, _ in try sources.map { try MemoryDescriptor.tagged(shape($0), format: tag) } }
        let chosen = try firstNonReference(candidates) { layouts in
            var layouts = layouts
            var target = try MemoryDescriptor.any(shape(destination))
            var pd: dnnl_primitive_desc_t?
            let attributes = try PrimitiveAttributes()
            try dnnlCheck(create(&pd, &target, &layouts, attributes.handle), "create a \(what)")
            return PrimitiveDescriptor(handle: pd!, what: what)
        }
        let inputs = try zip(sources, chosen.candidate).map { try source($0, as: $1) }
        let output = define(destination, layout: chosen.descriptor.memoryDescriptor(dnnl_query_dst_md))
        var arguments = inputs.enumerated().map { (DNNL_ARG_MULTIPLE_SRC + Int32($0.offset), argument($0.element)) }
        arguments.append((DNNL_ARG_DST, argument(output)))
        try append(chosen.descriptor, arguments)
    }

    /// Whether oneDNN concatenates `sources` in the layouts they have (a
    /// channel-blocked layout only if every source starts on a block).
    private func concatenates(
        _ sources: [String], into destination: String,
        _ create: (inout dnnl_primitive_desc_t?, inout dnnl_memory_desc_t, inout [dnnl_memory_desc_t], dnnl_primitive_attr_t) -> dnnl_status_t
    ) throws -> Bool {
        var layouts = try sources.map { try value($0).layout }
        var target = try MemoryDescriptor.any(shape(destination))
        var pd: dnnl_primitive_desc_t?
        let attributes = try PrimitiveAttributes()
        guard create(&pd, &target, &layouts, attributes.handle) == dnnl_success, let pd else { return false }
        return !PrimitiveDescriptor(handle: pd, what: "concat").isReference
    }

    /// A concat the sources' layouts do not allow (GhostNet's halves of 36
    /// channels in 8-channel blocks) as one reorder per source, straight
    /// into its part of a row-major result. oneDNN converted each source
    /// to row-major and then copied them, at a third of the speed.
    private mutating func compileConcatByReorders(_ sources: [String], axis: Int, into destination: String) throws {
        let layout = try MemoryDescriptor.plain(shape(destination))
        let output = define(destination, layout: layout)
        var offset = 0
        for source in sources {
            var offsets = Array(repeating: 0, count: shape(destination).count)
            offsets[axis] = offset
            try reorder(try value(source), into: Value(buffer: output.buffer,
                                                       layout: try MemoryDescriptor.region(of: layout, shape: shape(source), offsets: offsets)),
                        operation: "Concat")
            offset += shape(source)[axis]
        }
    }

    /// A range of channels of a single image in the layout it has, read
    /// where it is: with one image, channels are the outermost axis of the
    /// plain and the channel-blocked layouts, so a range starting and
    /// ending on block boundaries is a dense tensor of the same format
    /// (MixNet splits its activations this way). Nil for other slices.
    private func channelRange(of source: String, _ region: SliceRegion) throws -> Value? {
        let sourceShape = shape(source)
        guard sourceShape.count >= 3, sourceShape[0] == 1, region.steps.allSatisfy({ $0 == 1 }), region.shape[1] > 0,
              region.shape.indices.allSatisfy({ $0 == 1 || (region.starts[$0] == 0 && region.shape[$0] == sourceShape[$0]) }),
              let current = values[source], case .arena = bufferKinds[current.buffer],
              let format = MemoryDescriptor.formatTag(of: current.layout), let block = MemoryDescriptor.channelBlock(of: format) else { return nil }
        let start = region.starts[1], end = start + region.shape[1]
        guard start % block == 0, end % block == 0 || end == sourceShape[1] else { return nil }
        let spatial = sourceShape.dropFirst(2).reduce(1, *)
        return Value(buffer: current.buffer, layout: try MemoryDescriptor.tagged(region.shape, format: format),
                     offset: current.offset + start * spatial * MemoryLayout<Float>.size)
    }

    /// `destination` is `source` itself, in whatever layout it has.
    private mutating func alias(_ destination: String, to source: String) throws {
        values[destination] = try value(source)
        conversions[destination] = conversions[source]
    }

    /// `view` converted to `layout` (a no-op when they agree).
    private mutating func converted(_ view: Value, to layout: dnnl_memory_desc_t) throws -> Value {
        if MemoryDescriptor.equal(view.layout, layout) { return view }
        let converted = Value(buffer: newBuffer(size: MemoryDescriptor.size(layout)), layout: layout)
        try reorder(view, into: converted)
        return converted
    }

    /// The input shape with reduced axes set to 1, matching `output` (which
    /// may have the reduced axes dropped).
    private func reducedShape(input: [Int], output: [Int]) throws -> [Int] {
        if input.count == output.count { return output }
        var kept: [Int] = []
        var outputIterator = output.makeIterator()
        var next = outputIterator.next()
        for extent in input {
            if let candidate = next, candidate == extent {
                kept.append(extent)
                next = outputIterator.next()
            } else {
                kept.append(1)
            }
        }
        guard next == nil else { throw OneDNNError(operation: "reduce \(input) to \(output)", status: "shapes do not correspond") }
        return kept
    }

    private mutating func compileConvolution(_ conv: Kernel.Convolution) throws {
        if strategy.usesNativeKernels, let native = NativeConvolution(conv, inputShape: shape(conv.source), outputShape: shape(conv.destination)) {
            return try compileNative(conv, native)
        }
        let weightShape = conv.weights.tensor.shape
        let logicalWeights = conv.groups > 1
            ? [conv.groups, weightShape[0] / conv.groups] + Array(weightShape.dropFirst())
            : weightShape
        var descriptor = try inSourceLayout(conv, logicalWeights: logicalWeights)
            ?? convolutionDescriptor(conv, logicalWeights: logicalWeights, target: try MemoryDescriptor.any(shape(conv.destination)))
        if descriptor.isReference {
            descriptor = try convolutionAvoidingReference(conv, logicalWeights: logicalWeights, firstChoice: descriptor)
        }
        if !descriptor.isPointwiseJIT, let split = GroupSplitConvolution(conv), try compileSplit(conv, split) { return }
        if !descriptor.isJIT, let residual = conv.residual, let sum = conv.postOps.firstIndex(of: .residualAdd) {
            return try compileUnfused(conv, residual: residual, sumIndex: sum)
        }
        if !descriptor.isJIT {
            if let dense = try denseEquivalent(of: conv) { return try compileConvolution(dense) }
            if let rearranged = try spaceToDepth(conv) { return try compileConvolution(rearranged) }
            if let unpadded = try prepadded(conv, logicalWeights: logicalWeights) { return try compileConvolution(unpadded) }
        }
        var slot: Value? = nil
        if conv.residual == nil, let concatSlot = try concatSlot(for: conv.destination, preferring: descriptor.memoryDescriptor(dnnl_query_dst_md)) {
            slot = concatSlot
            if !MemoryDescriptor.equal(concatSlot.layout, descriptor.memoryDescriptor(dnnl_query_dst_md)),
               let writingSlot = try? convolutionDescriptor(conv, logicalWeights: logicalWeights, target: concatSlot.layout),
               !writingSlot.isReference {
                descriptor = writingSlot
            }
        }
        let input = try source(conv.source, as: descriptor.memoryDescriptor(dnnl_query_src_md))
        let output = try convolutionOutput(conv, layout: descriptor.memoryDescriptor(dnnl_query_dst_md), slot: slot, input: input)
        try appendWeighted(descriptor, input: input, weights: conv.weights, logicalWeights: logicalWeights, bias: conv.bias, output: output)
    }

    /// A direct convolution in the first activation layout (both sides)
    /// oneDNN has a non-reference kernel for, when the layout the strategy
    /// holds convolutions to gets only the reference one: a grouped
    /// convolution whose groups are narrower than the 16-channel block of
    /// the AVX-512 kernels runs on their 8-channel AVX2 kernels, one whose
    /// groups are narrower still (or a depthwise shape the JIT kernels
    /// lack) on im2col and GEMM over plain tensors.
    private func convolutionAvoidingReference(_ conv: Kernel.Convolution, logicalWeights: [Int],
                                              firstChoice: PrimitiveDescriptor) throws -> PrimitiveDescriptor {
        let formats = MemoryDescriptor.activationTags(rank: shape(conv.source).count)
        let chosen = try firstNonReference(formats) { try directConvolution(conv, logicalWeights: logicalWeights, format: $0) }
        return chosen.descriptor.isReference ? firstChoice : chosen.descriptor
    }

    /// For a convolution between grouped neighbours off the channel blocks
    /// (`GroupedNeighbourLayouts`), a direct convolution in the layout its
    /// source has (both sides), if oneDNN has a JIT kernel for it there.
    private func inSourceLayout(_ conv: Kernel.Convolution, logicalWeights: [Int]) throws -> PrimitiveDescriptor? {
        guard betweenGroupedNeighbours.contains(conv.destination),
              let format = MemoryDescriptor.formatTag(of: try value(conv.source).layout),
              let descriptor = try? directConvolution(conv, logicalWeights: logicalWeights, format: format), descriptor.isJIT else { return nil }
        return descriptor
    }

    /// A direct convolution reading and writing `format`.
    private func directConvolution(_ conv: Kernel.Convolution, logicalWeights: [Int], format: dnnl_format_tag_t) throws -> PrimitiveDescriptor {
        var operation = try convolutionOperation(conv, logicalWeights: logicalWeights, target: try MemoryDescriptor.any(shape(conv.destination)),
                                                 algorithm: dnnl_convolution_direct, activationFormats: (format, format))
        return try PrimitiveDescriptor(operation: &operation, attributes: PrimitiveAttributes(postOps: conv.postOps),
                                       context: context, what: "convolution \(shape(conv.source)) → \(shape(conv.destination))")
    }

    /// `conv` as its `split`'s per-group convolutions, one per image and
    /// group, each on its image's channels of the group, if oneDNN has its
    /// pointwise JIT kernel for every part in a channel-blocked layout whose
    /// blocks the groups are made of; false (and nothing compiled)
    /// otherwise. One image's group of channels is a dense tensor in such a
    /// layout, at an offset (oneDNN's kernels take no wider strides).
    private mutating func compileSplit(_ conv: Kernel.Convolution, _ split: GroupSplitConvolution) throws -> Bool {
        let inputShape = shape(conv.source), outputShape = shape(conv.destination)
        for format in MemoryDescriptor.activationTags(rank: inputShape.count) {
            guard let block = MemoryDescriptor.channelBlock(of: format),
                  split.inputWidth % block == 0, split.outputWidth % block == 0 else { continue }
            let inputPart = split.imagePart(of: inputShape, width: split.inputWidth)
            let outputPart = split.imagePart(of: outputShape, width: split.outputWidth)
            let inputPartLayout = try MemoryDescriptor.tagged(inputPart.shape, format: format)
            let outputPartLayout = try MemoryDescriptor.tagged(outputPart.shape, format: format)
            let descriptors = split.parts.compactMap { part in
                (try? convolutionDescriptor(part, logicalWeights: part.weights.tensor.shape, target: outputPartLayout,
                                            algorithm: dnnl_convolution_direct, sourceLayout: inputPartLayout))
                    .flatMap { $0.isPointwiseJIT ? $0 : nil }
            }
            guard descriptors.count == split.parts.count else { continue }
            let outputLayout = try MemoryDescriptor.tagged(outputShape, format: format)
            let slot = conv.residual == nil ? try concatSlot(for: conv.destination, preferring: outputLayout) : nil
            let input = try source(conv.source, as: try MemoryDescriptor.tagged(inputShape, format: format))
            let output = try convolutionOutput(conv, layout: outputLayout, slot: slot, input: input)
            for image in 0..<inputShape[0] {
                for (group, (descriptor, part)) in zip(descriptors, split.parts).enumerated() {
                    let partInput = Value(buffer: input.buffer, layout: inputPartLayout,
                                          offset: input.offset + inputPart.byteOffset(image: image, group: group))
                    let partOutput = Value(buffer: output.buffer, layout: outputPartLayout,
                                           offset: output.offset + outputPart.byteOffset(image: image, group: group))
                    try appendWeighted(descriptor, input: partInput, weights: part.weights, logicalWeights: part.weights.tensor.shape,
                                       bias: part.bias, output: partOutput)
                }
            }
            return true
        }
        return false
    }

    /// `conv` without its residual sum, then the sum (with the post-ops
    /// after it) as a binary add: oneDNN's im2col and GEMM convolution with
    /// a sum post-op took three times as long as without (ShuffleNet v1's
    /// 1×1 convolutions in 4 groups of 34 channels: 0.19 against 0.066 ms).
    private mutating func compileUnfused(_ conv: Kernel.Convolution, residual: String, sumIndex: Int) throws {
        var unsummed = conv
        unsummed.residual = nil
        unsummed.postOps = Array(conv.postOps[..<sumIndex])
        unsummed.destination = "\(conv.destination)::before_residual"
        derivedShapes[unsummed.destination] = shape(conv.destination)
        try compileConvolution(unsummed)
        try compileBinary(.add, .value(unsummed.destination), .value(residual), conv.destination,
                          Array(conv.postOps[(sumIndex + 1)...]), operation: "Add")
    }

    /// Whether a grouped convolution oneDNN would run on im2col and GEMM
    /// (or a reference kernel) runs faster as the dense one: with two
    /// groups; ShuffleNet v1's 1×1 convolutions in 4 groups of 34–136
    /// channels took twice as long dense as on GEMM (BENCHMARKS.md,
    /// "Convolutions oneDNN ran on GEMM"). With up to four groups of fewer
    /// input channels than a SIMD block GEMM's inner products are too short
    /// to run at speed: ShuffleNet v1's first (6 channels per group) took
    /// 0.6 ms on GEMM, 0.1 ms dense (BENCHMARKS.md, "ShuffleNet v1's
    /// grouped convolutions").
    private static func densePays(groups: Int, inputWidth: Int) -> Bool {
        groups <= 2 || (groups <= 4 && inputWidth < 8)
    }

    /// `conv` (a grouped convolution with more than one channel per group
    /// on some side) as an ungrouped convolution with block-diagonal
    /// weights, if it has few groups and oneDNN a direct JIT kernel for the
    /// result. Groups whose widths are not a multiple of the channel block
    /// (MixNet's merged pointwise convolutions: 20 → 120 channels per
    /// group) get no JIT kernel, and im2col and GEMM ran those at a tenth
    /// of the speed of the dense convolution with twice the arithmetic.
    private func denseEquivalent(of conv: Kernel.Convolution) throws -> Kernel.Convolution? {
        let weightShape = conv.weights.tensor.shape
        let groups = conv.groups, outputs = weightShape[0], inputWidth = weightShape[1], outputWidth = weightShape[0] / max(conv.groups, 1)
        guard groups > 1, Self.densePays(groups: groups, inputWidth: inputWidth), inputWidth > 1 || outputWidth > 1 else { return nil }
        let window = weightShape.dropFirst(2).reduce(1, *)
        let source = conv.weights.tensor.floats
        var values = [Float](repeating: 0, count: outputs * inputWidth * groups * window)
        for output in 0..<outputs {
            let column = output / outputWidth * inputWidth
            for input in 0..<inputWidth {
                let from = (output * inputWidth + input) * window, to = (output * inputWidth * groups + column + input) * window
                values.replaceSubrange(to..<(to + window), with: source[from..<(from + window)])
            }
        }
        var dense = conv
        dense.groups = 1
        dense.weights = NamedConstant(name: "\(conv.weights.name)::dense", tensor: Tensor(shape: [outputs, inputWidth * groups] + weightShape.dropFirst(2), floats: values))
        let descriptor = try convolutionDescriptor(dense, logicalWeights: dense.weights.tensor.shape,
                                                   target: try MemoryDescriptor.any(shape(conv.destination)))
        return descriptor.isJIT ? dense : nil
    }

    /// `conv` without padding, reading a copy of its input inside a zero
    /// border as wide as the padding, if oneDNN has a direct JIT kernel for
    /// that and not for `conv`. Its AVX2 depthwise kernel takes at most 4
    /// pixels of padding: MixNet's 11×11 depthwise convolution (padding 5)
    /// ran on im2col and GEMM at 40× the time of the padded copy and the
    /// JIT kernel. The copy's border is written once, at the plan's
    /// creation, and never again.
    private mutating func prepadded(_ conv: Kernel.Convolution, logicalWeights: [Int]) throws -> Kernel.Convolution? {
        let inputShape = shape(conv.source)
        guard inputShape.count >= 3, (conv.padBegin + conv.padEnd).contains(where: { $0 > 0 }) else { return nil }
        var unpadded = conv
        unpadded.source = "\(conv.source)::padded\(conv.padBegin)\(conv.padEnd)"
        unpadded.padBegin = conv.padBegin.map { _ in 0 }
        unpadded.padEnd = conv.padEnd.map { _ in 0 }
        if values[unpadded.source] != nil { return unpadded }
        let spatial = inputShape.dropFirst(2).indices.map { inputShape[$0] + conv.padBegin[$0 - 2] + conv.padEnd[$0 - 2] }
        derivedShapes[unpadded.source] = Array(inputShape.prefix(2)) + spatial
        guard let descriptor = try? convolutionDescriptor(unpadded, logicalWeights: logicalWeights,
                                                          target: try MemoryDescriptor.any(shape(conv.destination))),
              descriptor.isJIT else {
            derivedShapes[unpadded.source] = nil
            return nil
        }
        values[unpadded.source] = try zeroBorderedCopy(of: try value(conv.source), shape: inputShape,
                                                       layout: descriptor.memoryDescriptor(dnnl_query_src_md), offsets: [0, 0] + conv.padBegin)
        return unpadded
    }

    /// `conv` as the stride-1 convolution of a `SpaceToDepthConvolution`,
    /// its input padded and rearranged by two reorders, if a native kernel
    /// or a oneDNN JIT kernel computes that.
    private mutating func spaceToDepth(_ conv: Kernel.Convolution) throws -> Kernel.Convolution? {
        let name = "\(conv.source)::space_to_depth\(conv.strides)\(conv.padBegin)"
        guard let rearranged = SpaceToDepthConvolution(conv, inputShape: shape(conv.source), outputShape: shape(conv.destination),
                                                       source: name) else { return nil }
        if values[name] != nil { return rearranged.convolution }
        derivedShapes[name] = rearranged.rearrangedShape
        let weightShape = rearranged.convolution.weights.tensor.shape
        let native = strategy.usesNativeKernels
            && NativeConvolution(rearranged.convolution, inputShape: rearranged.rearrangedShape, outputShape: shape(conv.destination)) != nil
        guard native || (try? convolutionDescriptor(rearranged.convolution, logicalWeights: weightShape,
                                                    target: try MemoryDescriptor.any(shape(conv.destination))))?.isJIT == true else {
            derivedShapes[name] = nil
            return nil
        }
        var input = try value(conv.source)
        if rearranged.interiorShape != shape(conv.source) {
            input.layout = try MemoryDescriptor.region(of: input.layout, shape: rearranged.interiorShape, offsets: [0, 0, 0, 0])
        }
        let padded = try zeroBorderedCopy(of: input, shape: rearranged.interiorShape, layout: try MemoryDescriptor.plain(rearranged.paddedShape),
                                          offsets: rearranged.interiorOffsets)
        let views = try rearranged.rearrangingViews()
        let output = define(name, layout: try MemoryDescriptor.plain(rearranged.rearrangedShape))
        try reorder(Value(buffer: padded.buffer, layout: views.from), into: Value(buffer: output.buffer, layout: views.to))
        return rearranged.convolution
    }

    /// `input` (of `shape`) copied into a zero-initialised buffer in
    /// `layout` from `offsets` on; the rest of the buffer stays zero, since
    /// nothing else ever writes it.
    private mutating func zeroBorderedCopy(of input: Value, shape: [Int], layout: dnnl_memory_desc_t, offsets: [Int]) throws -> Value {
        let copy = Value(buffer: newBuffer(size: MemoryDescriptor.size(layout), kind: .zeroed), layout: layout)
        try reorder(input, into: Value(buffer: copy.buffer, layout: try MemoryDescriptor.region(of: layout, shape: shape, offsets: offsets)))
        return copy
    }

    /// A `FusedDepthwise` pair as one primitive; where oneDNN has no fused
    /// kernel for it (or only its reference composition of the two), the
    /// two convolutions one after the other.
    private mutating func compileFusedDepthwise(_ fusion: FusedDepthwise) throws {
        let pointwise = fusion.pointwise, depthwise = fusion.depthwise
        let logicalWeights = pointwise.weights.tensor.shape
        var operation = try convolutionOperation(pointwise, logicalWeights: logicalWeights,
                                                 target: try MemoryDescriptor.any(shape(pointwise.destination)),
                                                 algorithm: dnnl_convolution_direct)
        guard let descriptor = try? PrimitiveDescriptor(
                  operation: &operation, attributes: PrimitiveAttributes(postOps: pointwise.postOps, depthwise: fusion), context: context,
                  what: "convolution \(shape(pointwise.source)) → \(shape(depthwise.destination)) with a fused depthwise"),
              !descriptor.implementation.hasPrefix("ref") else {
            try compileConvolution(pointwise)
            kernelIndex = fusion.depthwiseIndex
            return try compileConvolution(depthwise)
        }
        let channels = depthwise.groups
        let depthwiseWeights = DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS, depthwiseBias = DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_BIAS
        var extra: [(Int32, Argument)] = [
            (depthwiseWeights, try constantMemory(depthwise.weights, logicalShape: [channels, 1, 1, 3, 3],
                                                  layout: descriptor.memoryDescriptor(argument: depthwiseWeights))),
        ]
        if let bias = depthwise.bias {
            extra.append((depthwiseBias, try constantMemory(bias, logicalShape: [channels],
                                                            layout: descriptor.memoryDescriptor(argument: depthwiseBias))))
        }
        let input = try source(pointwise.source, as: descriptor.memoryDescriptor(dnnl_query_src_md))
        let output = define(depthwise.destination, layout: descriptor.memoryDescriptor(dnnl_query_dst_md))
        try appendWeighted(descriptor, input: input, weights: pointwise.weights, logicalWeights: logicalWeights, bias: pointwise.bias,
                           output: output, extra: extra, operation: "Conv + depthwise Conv")
        fusedDepthwiseCount += 1
    }

    /// Appends a primitive reading `input`, constant weights (viewed as
    /// `logicalWeights`), an optional bias and `extra` arguments, in the
    /// layouts it chose.
    private mutating func appendWeighted(_ descriptor: PrimitiveDescriptor, input: Value, weights: NamedConstant, logicalWeights: [Int],
                                         bias: NamedConstant?, output: Value, extra: [(Int32, Argument)] = [],
                                         operation: String? = nil) throws {
        var arguments: [(Int32, Argument)] = extra + [
            (DNNL_ARG_SRC, argument(input)),
            (DNNL_ARG_WEIGHTS, try constantMemory(weights, logicalShape: logicalWeights,
                                                  layout: descriptor.memoryDescriptor(dnnl_query_weights_md))),
            (DNNL_ARG_DST, argument(output)),
        ]
        if let bias {
            arguments.append((DNNL_ARG_BIAS, try constantMemory(bias, logicalShape: [weights.tensor.shape[0]],
                                                                 layout: descriptor.memoryDescriptor(dnnl_query_weights_md, index: 1))))
        }
        try append(descriptor, arguments, operation: operation)
    }

    /// Where a convolution writes: its concat slot when the layouts agree;
    /// with a residual post-op, a buffer already holding the residual (in
    /// place when this convolution is the residual's last reader); else a
    /// new buffer.
    private mutating func convolutionOutput(_ conv: Kernel.Convolution, layout: dnnl_memory_desc_t, slot: Value?, input: Value) throws -> Value {
        if let slot, MemoryDescriptor.equal(slot.layout, layout) { return place(conv.destination, in: slot) }
        guard let residual = conv.residual else { return define(conv.destination, layout: layout) }
        let residualValue = try value(residual)
        let inPlace = MemoryDescriptor.equal(residualValue.layout, layout)
            && { if case .arena = bufferKinds[residualValue.buffer] { return true } else { return false } }()
            && !isReadLater(residualValue.buffer)
            && input.buffer != residualValue.buffer
        if inPlace {
            let output = Value(buffer: residualValue.buffer, layout: layout, offset: residualValue.offset)
            values[conv.destination] = output
            return output
        }
        let output = define(conv.destination, layout: layout)
        try reorder(residualValue, into: output)
        return output
    }

    /// A convolution for a `NativeConvolution` kernel: activations in nChw8c,
    /// the residual (if any) placed in the destination as for oneDNN's sum post-op.
    private mutating func compileNative(_ conv: Kernel.Convolution, _ native: NativeConvolution) throws {
        let blocked = try MemoryDescriptor.tagged(shape(conv.destination), format: dnnl_aBcd8b)
        let slot = conv.residual == nil ? try concatSlot(for: conv.destination, preferring: blocked) : nil
        let input = try source(conv.source, as: try MemoryDescriptor.tagged(shape(conv.source), format: dnnl_aBcd8b))
        let output = try convolutionOutput(conv, layout: blocked, slot: slot, input: input)
        let packed = try weights.nativeWeights(for: conv, native)
        scratchpadBytes = max(scratchpadBytes, native.scratchBytes(threads: threads))
        touch(input.buffer)
        touch(output.buffer)
        append(.native(native, packed, source: input, destination: output), implementation: "fovea:\(native.kind)",
               shapes: PlanStep.shapesText(inputs: [shape(conv.source)], outputs: [shape(conv.destination)]))
    }

    /// Source and weight layouts are left to oneDNN unless the strategy fixes
    /// the activations'; `target` may fix the destination's. Winograd where
    /// the strategy allows and oneDNN implements it, else direct.
    ///
    /// Winograd kernels want their weights in a form of their own (F(2×2)
    /// 16/9, F(4×4) 4× the direct weights), and a plan per batch size must
    /// not add one each: resnet50 with plans for batch 1 and 8 would pass
    /// the engine's memory bound of twice the weights plus 100 MB. So a
    /// convolution keeps one Winograd form: F(4×4), which serves every batch
    /// size, where the strategy prefers it, else the form its first plan's
    /// kernel chose. Later plans take a Winograd kernel that reads the held
    /// form (the iterator lists all oneDNN offers), or else direct weights,
    /// a held blocked form if one fits. A held Winograd form must not be
    /// imposed on a kernel that did not offer it: oneDNN 2.6 accepts it and
    /// then reads out of bounds.
    private func convolutionDescriptor(_ conv: Kernel.Convolution, logicalWeights: [Int], target: dnnl_memory_desc_t) throws -> PrimitiveDescriptor {
        guard strategy.triesWinograd(conv) else {
            return try convolutionDescriptor(conv, logicalWeights: logicalWeights, target: target, algorithm: dnnl_convolution_direct)
        }
        let held = weights.layouts(of: conv.weights)
        let heldWinograd = held.filter { $0.format_kind == dnnl_format_kind_wino }
        var operation = try convolutionOperation(conv, logicalWeights: logicalWeights, target: target, algorithm: dnnl_convolution_winograd)
        let candidates = ((try? PrimitiveDescriptor.all(operation: &operation, attributes: PrimitiveAttributes(postOps: conv.postOps),
                                                        context: context, what: "Winograd convolution")) ?? [])
            .filter { $0.memoryDescriptor(dnnl_query_weights_md).format_kind == dnnl_format_kind_wino }
        let preferred = strategy.prefersWinograd4x4(outputShape: shape(conv.destination))
            ? candidates.first { $0.memoryDescriptor(dnnl_query_weights_md).format_desc.wino_desc.alpha == 6 }
            : nil
        let chosen = heldWinograd.isEmpty
            ? preferred ?? candidates.first
            : candidates.first { candidate in
                heldWinograd.contains { MemoryDescriptor.equal($0, candidate.memoryDescriptor(dnnl_query_weights_md)) }
            }
        if let chosen { return chosen }
        for layout in held where layout.format_kind == dnnl_blocked {
            if let direct = try? convolutionDescriptor(conv, logicalWeights: logicalWeights, target: target, algorithm: dnnl_convolution_direct,
                                                       weightsLayout: layout) {
                return direct
            }
        }
        return try convolutionDescriptor(conv, logicalWeights: logicalWeights, target: target, algorithm: dnnl_convolution_direct)
    }

    private func convolutionDescriptor(_ conv: Kernel.Convolution, logicalWeights: [Int], target: dnnl_memory_desc_t,
                                       algorithm: dnnl_alg_kind_t, weightsLayout: dnnl_memory_desc_t? = nil,
                                       sourceLayout: dnnl_memory_desc_t? = nil) throws -> PrimitiveDescriptor {
        var operation = try convolutionOperation(conv, logicalWeights: logicalWeights, target: target, algorithm: algorithm,
                                                 weightsLayout: weightsLayout, sourceLayout: sourceLayout)
        return try PrimitiveDescriptor(operation: &operation, attributes: PrimitiveAttributes(postOps: conv.postOps),
                                       context: context, what: "convolution \(shape(conv.source)) → \(shape(conv.destination))")
    }

    /// `activationFormats` holds the activations to these formats instead of
    /// the strategy's choice; `sourceLayout` fixes the input's layout.
    private func convolutionOperation(_ conv: Kernel.Convolution, logicalWeights: [Int], target: dnnl_memory_desc_t,
                                      algorithm: dnnl_alg_kind_t, weightsLayout: dnnl_memory_desc_t? = nil,
                                      sourceLayout fixedSource: dnnl_memory_desc_t? = nil,
                                      activationFormats: (source: dnnl_format_tag_t, destination: dnnl_format_tag_t)? = nil)
        throws -> dnnl_convolution_desc_t {
        let inputShape = fixedSource.map(MemoryDescriptor.shape) ?? shape(conv.source), outputShape = MemoryDescriptor.shape(target)
        var sourceLayout = try fixedSource ?? MemoryDescriptor.any(inputShape)
        var weightsLayout = try weightsLayout ?? MemoryDescriptor.any(logicalWeights)
        var biasLayout = try MemoryDescriptor.plain([conv.weights.tensor.shape[0]])
        var targetLayout = target
        let formats: (source: dnnl_format_tag_t?, destination: dnnl_format_tag_t?) = activationFormats.map { ($0.source, $0.destination) }
            ?? strategy.convolutionFormats(source: inputShape, destination: outputShape,
                                           linked: (convolutionLinks.contains(conv.source), convolutionLinks.contains(conv.destination)))
        if let sourceFormat = formats.source, fixedSource == nil { sourceLayout = try MemoryDescriptor.tagged(inputShape, format: sourceFormat) }
        if let targetFormat = formats.destination, target.format_kind == dnnl_format_kind_any {
            targetLayout = try MemoryDescriptor.tagged(outputShape, format: targetFormat)
        }
        let strides = conv.strides.map { Int64($0) }
        let dilations = conv.dilations.map { Int64($0 - 1) }
        let padBegin = conv.padBegin.map { Int64($0) }, padEnd = conv.padEnd.map { Int64($0) }
        var desc = dnnl_convolution_desc_t()
        let status = conv.bias == nil
            ? dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_inference, algorithm, &sourceLayout, &weightsLayout,
                                                         nil, &targetLayout, strides, dilations, padBegin, padEnd)
            : dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_inference, algorithm, &sourceLayout, &weightsLayout,
                                                         &biasLayout, &targetLayout, strides, dilations, padBegin, padEnd)
        try dnnlCheck(status, "describe convolution \(inputShape) → \(outputShape)")
        return desc
    }

    // MARK: In-place concats

    private mutating func compileShuffledConcat(_ shuffle: ShuffledConcat) throws {
        let output = define(shuffle.destination, layout: try MemoryDescriptor.plain(shuffle.shape))
        for (index, source) in shuffle.sources.enumerated() {
            try reorder(try value(source), into: Value(buffer: output.buffer, layout: try shuffle.sourceView(index)), operation: "Concat")
        }
    }

    /// One reorder in the source's layout where `ChannelShuffle` has views
    /// for it, else in plain layout.
    private mutating func compileChannelShuffle(_ shuffle: ChannelShuffle) throws {
        var input = try value(shuffle.source)
        var views = MemoryDescriptor.formatTag(of: input.layout) == nil ? nil : try shuffle.views(layout: input.layout)
        if views == nil {
            input = try plainSource(shuffle.source)
            views = try shuffle.views(layout: input.layout)
        }
        guard let views else { throw OneDNNError(operation: "shuffle '\(shuffle.source)'", status: "no view of its layout") }
        let output = define(shuffle.destination, layout: input.layout)
        try reorder(Value(buffer: input.buffer, layout: views.source, offset: input.offset),
                    into: Value(buffer: output.buffer, layout: views.destination), operation: "Transpose")
    }

    /// The slot `name` should be written to when it is a source of an
    /// in-place concat; the first source to ask fixes the result's format
    /// from the layout its producer prefers (`preferred`).
    private mutating func concatSlot(for name: String, preferring preferred: dnnl_memory_desc_t) throws -> Value? {
        guard let index = concatSlots[name], let range = concats[index].sources[name] else { return nil }
        let family = concats[index]
        if case .undecided = concatAssemblies[index] {
            if let format = try family.format(matching: preferred, ofSource: name) {
                let buffer = newBuffer(size: MemoryDescriptor.size(try family.layout(0..<family.shape[1], format: format)))
                concatAssemblies[index] = .assembling(buffer: buffer, format: format)
            } else {
                concatAssemblies[index] = .rejected
            }
        }
        guard case .assembling(let buffer, let format) = concatAssemblies[index] else { return nil }
        return Value(buffer: buffer, layout: try family.layout(range, format: format), offset: family.byteOffset(range))
    }

    /// `name`, computed straight into its slot of an in-place concat.
    private mutating func place(_ name: String, in slot: Value) -> Value {
        values[name] = slot
        placedInConcat.insert(name)
        return slot
    }

    /// Completes the in-place concat producing `destination`, copying in the
    /// sources whose producers could not write their slot. False when the
    /// concat is not assembled in place.
    private mutating func assembleInPlace(_ destination: String) throws -> Bool {
        guard let index = concatResults[destination], let result = concats[index].results[destination],
              case .assembling(let buffer, let format) = concatAssemblies[index] else { return false }
        let family = concats[index]
        for source in result.sources where !placedInConcat.contains(source) {
            guard let range = family.sources[source] ?? family.results[source]?.channels else { continue }
            try reorder(try value(source), into: Value(buffer: buffer, layout: try family.layout(range, format: format),
                                                       offset: family.byteOffset(range)),
                        operation: "Concat")
            placedInConcat.insert(source)
        }
        values[destination] = Value(buffer: buffer, layout: try family.layout(result.channels, format: format),
                                    offset: family.byteOffset(result.channels))
        placedInConcat.insert(destination)
        return true
    }

    /// A mean over all spatial axes as global average pooling: oneDNN's
    /// reduction has no optimized kernel for blocked sources, pooling has.
    private mutating func compileSpatialMean(_ input: Value, inputShape: [Int], pooledShape: [Int], destination: String) throws {
        var sourceLayout = input.layout
        var targetLayout = try MemoryDescriptor.any(pooledShape)
        let spatial = inputShape.dropFirst(2).map { Int64($0) }
        let zeros = Array(repeating: Int64(0), count: spatial.count)
        var desc = dnnl_pooling_v2_desc_t()
        try dnnlCheck(dnnl_pooling_v2_forward_desc_init(&desc, dnnl_forward_inference, dnnl_pooling_avg_exclude_padding, &sourceLayout,
                                                        &targetLayout, spatial, spatial, zeros, zeros, zeros), "describe a spatial mean")
        let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "spatial mean")
        let pooledLayout = descriptor.memoryDescriptor(dnnl_query_dst_md)
        let pooled = Value(buffer: newBuffer(size: MemoryDescriptor.size(pooledLayout)), layout: pooledLayout)
        try append(descriptor, [(DNNL_ARG_SRC, argument(input)), (DNNL_ARG_DST, argument(pooled))])
        if shape(destination) == pooledShape {
            values[destination] = pooled
        } else if let view = try MemoryDescriptor.channelView(of: pooledLayout) {
            values[destination] = Value(buffer: pooled.buffer, layout: view)
        } else {
            let output = define(destination, layout: try MemoryDescriptor.plain(shape(destination)))
            try reorder(pooled, into: Value(buffer: output.buffer, layout: try MemoryDescriptor.plain(pooledShape)))
        }
    }

    /// Pooling where its input is. On a plain (nchw) input oneDNN 2.6 has
    /// only a scalar kernel (`simple_nchw`), several times slower than a
    /// reorder to a channel-blocked layout and its JIT kernel there
    /// (AlexNet's first pooling after its GEMM-based first convolution,
    /// 8×64×55×55: 14.6 ms); such an input is converted first. The result
    /// goes straight into its slot of an in-place concat where the layouts
    /// agree.
    private mutating func compilePooling(_ pool: Kernel.Pooling) throws {
        let input = try value(pool.source)
        let inputShape = shape(pool.source)
        if strategy.usesNativeKernels, let format = MemoryDescriptor.formatTag(of: input.layout),
           let block = MemoryDescriptor.channelBlock(of: format),
           let native = NativeMaxPooling(pool, inputShape: inputShape, outputShape: shape(pool.destination), block: block) {
            return try compileNative(pool, native, input: input, format: format)
        }
        let algorithm: dnnl_alg_kind_t
        switch pool.algorithm {
        case .max: algorithm = dnnl_pooling_max
        case .averageIncludingPadding: algorithm = dnnl_pooling_avg_include_padding
        case .averageExcludingPadding: algorithm = dnnl_pooling_avg_exclude_padding
        }
        let blocked = MemoryDescriptor.activationTags(rank: inputShape.count).filter { MemoryDescriptor.isChannelBlocked($0) }
        let candidates = try [input.layout] + blocked.map { try MemoryDescriptor.tagged(inputShape, format: $0) }
        let chosen = try firstAcceptable(candidates, accepting: { $0.isJIT }) { layout in
            var sourceLayout = layout
            var targetLayout = try MemoryDescriptor.any(shape(pool.destination))
            var desc = dnnl_pooling_v2_desc_t()
            try dnnlCheck(dnnl_pooling_v2_forward_desc_init(&desc, dnnl_forward_inference, algorithm, &sourceLayout, &targetLayout,
                                                            pool.strides.map { Int64($0) }, pool.kernel.map { Int64($0) },
                                                            pool.dilations.map { Int64($0 - 1) }, pool.padBegin.map { Int64($0) },
                                                            pool.padEnd.map { Int64($0) }), "describe pooling")
            return try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "pooling")
        }
        let source = try self.source(pool.source, as: chosen.candidate)
        let output = try slotOrNewValue(pool.destination, layout: chosen.descriptor.memoryDescriptor(dnnl_query_dst_md))
        try append(chosen.descriptor, [(DNNL_ARG_SRC, argument(source)), (DNNL_ARG_DST, argument(output))])
    }

    /// An inner product reads its input row-major; a view of a pooled
    /// channel-blocked result whose channels are not a whole number of
    /// blocks has rows further apart than their length, which only oneDNN's
    /// reference kernel reads, so such an input is made dense first.
    /// `name` in its concat slot when it has one in `layout`, else in a new
    /// buffer in `layout`.
    private mutating func slotOrNewValue(_ name: String, layout: dnnl_memory_desc_t) throws -> Value {
        if let slot = try concatSlot(for: name, preferring: layout), MemoryDescriptor.equal(slot.layout, layout) { return place(name, in: slot) }
        return define(name, layout: layout)
    }

    /// A max pooling for a `NativeMaxPooling` kernel, reading `input` where
    /// it lies (channel-blocked in `format`) and writing the same layout, in
    /// its concat slot when it has one.
    private mutating func compileNative(_ pool: Kernel.Pooling, _ native: NativeMaxPooling, input: Value, format: dnnl_format_tag_t) throws {
        let output = try slotOrNewValue(pool.destination, layout: try MemoryDescriptor.tagged(shape(pool.destination), format: format))
        touch(input.buffer)
        touch(output.buffer)
        append(.nativeMaxPooling(native, source: input, destination: output), implementation: "fovea:max_pool",
               shapes: PlanStep.shapesText(inputs: [shape(pool.source)], outputs: [shape(pool.destination)]))
    }

    private mutating func compileInnerProduct(_ product: Kernel.InnerProduct) throws {
        let view = try plainSource(product.source)
        let dense = try MemoryDescriptor.plain(shape(product.source))
        let weightShape = product.weights.tensor.shape
        let chosen = try firstNonReference([view.layout, dense]) { layout in
            var sourceLayout = layout
            var weightsLayout = try MemoryDescriptor.any(weightShape)
            var biasLayout = try MemoryDescriptor.plain([weightShape[0]])
            var targetLayout = try MemoryDescriptor.plain(shape(product.destination))
            var desc = dnnl_inner_product_desc_t()
            let status = product.bias == nil
                ? dnnl_inner_product_forward_desc_init(&desc, dnnl_forward_inference, &sourceLayout, &weightsLayout, nil, &targetLayout)
                : dnnl_inner_product_forward_desc_init(&desc, dnnl_forward_inference, &sourceLayout, &weightsLayout, &biasLayout, &targetLayout)
            try dnnlCheck(status, "describe inner product \(shape(product.source)) × \(weightShape)")
            return try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(postOps: product.postOps),
                                           context: context, what: "inner product")
        }
        let weightsLayout = chosen.descriptor.memoryDescriptor(dnnl_query_weights_md)
        if shape(product.destination)[0] == 1, let native = try nativeInnerProduct(product, weightsLayout: weightsLayout) {
            return try compileNative(native, product: product, source: try converted(view, to: dense), weightsLayout: weightsLayout)
        }
        let input = try converted(view, to: chosen.candidate)
        let output = define(product.destination, layout: chosen.descriptor.memoryDescriptor(dnnl_query_dst_md))
        try appendWeighted(chosen.descriptor, input: input, weights: product.weights, logicalWeights: weightShape, bias: product.bias,
                           output: output)
    }

    /// Fovea's kernel for a one-image inner product whose weights oneDNN
    /// holds in `weightsLayout`, if it reads that layout.
    private func nativeInnerProduct(_ product: Kernel.InnerProduct, weightsLayout: dnnl_memory_desc_t) throws -> NativeInnerProduct? {
        let weightShape = product.weights.tensor.shape
        let candidates: [(NativeInnerProduct.WeightsLayout, dnnl_memory_desc_t)] = [
            (.rows, try MemoryDescriptor.plain(weightShape)),
            (.blocks(outputs: 16), try MemoryDescriptor.tagged(weightShape, format: dnnl_AB16b16a)),
            (.blocks(outputs: 32), try MemoryDescriptor.tagged(weightShape, format: dnnl_AB16b32a)),
            (.blocks(outputs: 64), try MemoryDescriptor.tagged(weightShape, format: dnnl_AB16b64a)),
        ]
        guard let layout = candidates.first(where: { MemoryDescriptor.equal($0.1, weightsLayout) })?.0 else { return nil }
        return NativeInnerProduct(outputs: weightShape[0], inputs: weightShape[1], layout: layout, postOps: product.postOps)
    }

    /// A one-image inner product for a `NativeInnerProduct` kernel, reading
    /// the row-major `source` and the weights the weight store holds in
    /// `weightsLayout`.
    private mutating func compileNative(_ native: NativeInnerProduct, product: Kernel.InnerProduct, source: Value,
                                        weightsLayout: dnnl_memory_desc_t) throws {
        let outputs = product.weights.tensor.shape[0]
        let output = define(product.destination, layout: try MemoryDescriptor.plain(shape(product.destination)))
        let weights = try constantFloats(product.weights, logicalShape: product.weights.tensor.shape, layout: weightsLayout)
        let bias = try product.bias.map { try constantFloats($0, logicalShape: [outputs], layout: MemoryDescriptor.plain([outputs])) }
        touch(source.buffer)
        touch(output.buffer)
        append(.nativeInnerProduct(native, weights: weights, bias: bias, source: source, destination: output), implementation: "fovea:gemv",
               shapes: PlanStep.shapesText(inputs: [shape(product.source)], outputs: [shape(product.destination)]))
    }

    /// The floats of `constant` as the weight store holds them in `layout`
    /// (alive as long as the plan, which keeps the store).
    private func constantFloats(_ constant: NamedConstant, logicalShape: [Int], layout: dnnl_memory_desc_t) throws -> UnsafePointer<Float> {
        let memory = try weights.memory(for: constant, logicalShape: logicalShape, layout: layout)
        var handle: UnsafeMutableRawPointer?
        try dnnlCheck(dnnl_memory_get_data_handle(memory, &handle), "find constant '\(constant.name)'")
        return UnsafePointer(handle!.assumingMemoryBound(to: Float.self))
    }

    private mutating func compileBatchNormalization(_ norm: Kernel.BatchNormalization) throws {
        let input = try value(norm.source)
        var layout = input.layout
        let channels = shape(norm.source)[1]
        var desc = dnnl_batch_normalization_desc_t()
        let flags = dnnl_use_global_stats.rawValue | dnnl_use_scale.rawValue | dnnl_use_shift.rawValue
            | (norm.fusedRelu ? dnnl_fuse_norm_relu.rawValue : 0)
        try dnnlCheck(dnnl_batch_normalization_forward_desc_init(&desc, dnnl_forward_inference, &layout, norm.epsilon, flags),
                      "describe batch normalization")
        let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "batch normalization")
        let vector = try MemoryDescriptor.plain([channels])
        let output = define(norm.destination, layout: descriptor.memoryDescriptor(dnnl_query_dst_md))
        try append(descriptor, [
            (DNNL_ARG_SRC, argument(input)),
            (DNNL_ARG_MEAN, try constantMemory(norm.mean, logicalShape: [channels], layout: vector)),
            (DNNL_ARG_VARIANCE, try constantMemory(norm.variance, logicalShape: [channels], layout: vector)),
            (DNNL_ARG_SCALE, try constantMemory(norm.scale, logicalShape: [channels], layout: vector)),
            (DNNL_ARG_SHIFT, try constantMemory(norm.shift, logicalShape: [channels], layout: vector)),
            (DNNL_ARG_DST, argument(output)),
        ])
    }

    /// `operation` names the step in the plan's report (default: the
    /// operator of the kernel being compiled).
    private mutating func compileBinary(_ function: ElementwiseBinary.Function, _ left: Operand, _ right: Operand,
                                        _ destination: String, _ postOps: [PostOp], operation: String? = nil) throws {
        let outputShape = shape(destination)
        let rank = outputShape.count
        func operandShape(_ operand: Operand) -> [Int] {
            switch operand {
            case .value(let name): return padded(shape(name), rank: rank)
            case .constant(let constant): return padded(constant.tensor.shape, rank: rank)
            }
        }
        var (first, second) = (left, right)
        if operandShape(first) != outputShape, function == .add || function == .multiply { swap(&first, &second) }
        guard operandShape(first) == outputShape else {
            throw OneDNNError(operation: "compute \(function.rawValue) into \(outputShape)", status: "the first operand cannot be broadcast")
        }
        // The full-size operand fixes the layout; a same-shaped second operand is converted to it.
        let firstValue: Value
        switch first {
        case .value(let name): firstValue = try value(name)
        case .constant(let constant):
            let layout = try MemoryDescriptor.plain(outputShape)
            let buffer = newBuffer(size: MemoryDescriptor.size(layout))
            touch(buffer)
            append(.copy(constant.tensor.floats, buffer: buffer), operation: "Copy", implementation: "fovea:copy",
                   shapes: PlanStep.shapesText(inputs: [constant.tensor.shape], outputs: [outputShape]))
            firstValue = Value(buffer: buffer, layout: layout)
        }
        let secondShape = operandShape(second)
        let algorithm: dnnl_alg_kind_t
        switch function {
        case .add: algorithm = dnnl_binary_add
        case .subtract: algorithm = dnnl_binary_sub
        case .multiply: algorithm = dnnl_binary_mul
        case .divide: algorithm = dnnl_binary_div
        }
        // oneDNN's JIT binary kernels broadcast a per-channel operand only
        // in the layout of the full-size one (a squeeze-and-excitation gate
        // against a blocked activation); plain, it ran on the reference kernel.
        var candidates: [dnnl_memory_desc_t] = []
        if secondShape == outputShape {
            candidates = [firstValue.layout]
        } else {
            if let format = MemoryDescriptor.formatTag(of: firstValue.layout) {
                candidates.append(try MemoryDescriptor.tagged(secondShape, format: format))
            }
            candidates.append(try MemoryDescriptor.plain(secondShape))
        }
        let chosen = try firstNonReference(candidates) { secondLayout in
            var firstLayout = firstValue.layout, secondLayout = secondLayout, targetLayout = firstValue.layout
            var desc = dnnl_binary_desc_t()
            try dnnlCheck(dnnl_binary_desc_init(&desc, algorithm, &firstLayout, &secondLayout, &targetLayout), "describe \(function.rawValue)")
            return try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(postOps: postOps), context: context,
                                           what: function.rawValue)
        }
        if chosen.descriptor.isReference, postOps.isEmpty, case .value(let name) = second,
           let format = MemoryDescriptor.formatTag(of: firstValue.layout), let block = MemoryDescriptor.channelBlock(of: format),
           let native = NativeChannelBinary(function, sourceShape: outputShape, operandShape: secondShape, block: block) {
            return try compileNative(native, source: firstValue, operand: name, destination: destination, format: format)
        }
        let secondLayout = chosen.candidate, descriptor = chosen.descriptor
        let secondArgument: Argument
        switch second {
        case .value(let name) where shape(name).count == rank:
            secondArgument = argument(try source(name, as: secondLayout))
        case .value(let name):
            let plain = try plainSource(name)
            let view = Value(buffer: plain.buffer, layout: try MemoryDescriptor.plain(secondShape), offset: plain.offset)
            secondArgument = argument(try converted(view, to: secondLayout))
        case .constant(let constant):
            secondArgument = try constantMemory(constant, logicalShape: secondShape, layout: secondLayout)
        }
        let output = define(destination, layout: descriptor.memoryDescriptor(dnnl_query_dst_md))
        try append(descriptor, [(DNNL_ARG_SRC_0, argument(firstValue)), (DNNL_ARG_SRC_1, secondArgument), (DNNL_ARG_DST, argument(output))],
                   operation: operation)
    }

    /// A per-channel binary operation for a `NativeChannelBinary` kernel,
    /// reading `source` where it lies (channel-blocked in `format`) and the
    /// operand row-major, and writing `destination` in `format`.
    private mutating func compileNative(_ binary: NativeChannelBinary, source: Value, operand: String, destination: String,
                                        format: dnnl_format_tag_t) throws {
        let operandValue = try plainSource(operand)
        let output = try slotOrNewValue(destination, layout: try MemoryDescriptor.tagged(shape(destination), format: format))
        touch(source.buffer)
        touch(operandValue.buffer)
        touch(output.buffer)
        append(.nativeChannelBinary(binary, source: source, operand: operandValue, destination: output),
               implementation: "fovea:channel_binary",
               shapes: PlanStep.shapesText(inputs: [shape(destination), shape(operand)], outputs: [shape(destination)]))
    }

    /// The primitive for the first of `candidates` (e.g. layouts) that
    /// oneDNN runs on something other than a reference kernel; the first
    /// candidate's when all of them get one. Candidates oneDNN rejects are
    /// skipped; the last rejection is thrown when every one is.
    private func firstNonReference<Candidate>(_ candidates: [Candidate],
                                              _ make: (Candidate) throws -> PrimitiveDescriptor)
        throws -> (candidate: Candidate, descriptor: PrimitiveDescriptor) {
        try firstAcceptable(candidates, accepting: { !$0.isReference }, make)
    }

    /// The primitive for the first of `candidates` whose implementation
    /// `accepting` takes, else the first candidate's.
    private func firstAcceptable<Candidate>(_ candidates: [Candidate], accepting: (PrimitiveDescriptor) -> Bool,
                                            _ make: (Candidate) throws -> PrimitiveDescriptor)
        throws -> (candidate: Candidate, descriptor: PrimitiveDescriptor) {
        var fallback: (candidate: Candidate, descriptor: PrimitiveDescriptor)?
        var lastError: Error?
        for candidate in candidates {
            do {
                let descriptor = try make(candidate)
                if accepting(descriptor) { return (candidate, descriptor) }
                if fallback == nil { fallback = (candidate, descriptor) }
            } catch {
                lastError = error
            }
        }
        if let fallback { return fallback }
        throw lastError ?? OneDNNError(operation: "choose an implementation", status: "no candidates")
    }

    private mutating func compileMatMul(_ left: Operand, _ right: Operand, _ destination: String) throws {
        let outputShape = shape(destination)
        let rank = outputShape.count
        func prepare(_ operand: Operand) throws -> (Argument, dnnl_memory_desc_t) {
            switch operand {
            case .value(let name):
                let plain = try plainSource(name)
                let layout = try MemoryDescriptor.plain(padded(shape(name), rank: rank))
                return (argument(Value(buffer: plain.buffer, layout: layout, offset: plain.offset)), layout)
            case .constant(let constant):
                let logical = padded(constant.tensor.shape, rank: rank)
                let layout = try MemoryDescriptor.plain(logical)
                return (try constantMemory(constant, logicalShape: logical, layout: layout), layout)
            }
        }
        let (a, leftLayout) = try prepare(left)
        let (b, rightLayout) = try prepare(right)
        var aLayout = leftLayout, bLayout = rightLayout
        var targetLayout = try MemoryDescriptor.plain(outputShape)
        var desc = dnnl_matmul_desc_t()
        try dnnlCheck(dnnl_matmul_desc_init(&desc, &aLayout, &bLayout, nil, &targetLayout), "describe MatMul")
        let descriptor = try PrimitiveDescriptor(operation: &desc, attributes: PrimitiveAttributes(), context: context, what: "MatMul")
        let output = define(destination, layout: targetLayout)
        try append(descriptor, [(DNNL_ARG_SRC, a), (DNNL_ARG_WEIGHTS, b), (DNNL_ARG_DST, argument(output))])
    }
}
