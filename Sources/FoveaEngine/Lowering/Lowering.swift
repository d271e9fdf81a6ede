/// Lowers a planned graph to kernels: picks the kernel form for each node
/// (e.g. Gemm with constant weights → inner product), folds Gemm's alpha and
/// beta into constants, and expresses pre-opset-13 softmax through reshapes.
public enum Lowering {
    public static func program(for planned: PlannedGraph) throws -> ExecutionProgram {
        var lowering = State(planned: planned)
        for node in planned.nodes {
            let first = lowering.kernels.count
            try lowering.lower(node)
            lowering.nodeNames += repeatElement(node.name, count: lowering.kernels.count - first)
        }
        var outputs: [(name: String, value: String)] = []
        for output in planned.outputs {
            guard let state = planned.states[output.value] else {
                throw ModelError.undefinedValue(name: output.value, node: "<graph output>")
            }
            if let constant = state.constant {
                let value = "\(output.name)::constant"
                lowering.types[value] = constant.type
                lowering.kernels.append(.constantOutput(NamedConstant(name: output.value, tensor: constant), destination: value))
                lowering.nodeNames.append(output.name)
                outputs.append((output.name, value))
            } else {
                outputs.append((output.name, output.value))
            }
        }
        return ExecutionProgram(types: lowering.types, kernels: lowering.kernels, nodeNames: lowering.nodeNames,
                                inputs: planned.inputs, outputs: outputs)
    }

    private struct State {
        let planned: PlannedGraph
        var types: [String: TensorType] = [:]
        var kernels: [Kernel] = []
        var nodeNames: [String] = []

        init(planned: PlannedGraph) {
            self.planned = planned
            for (name, state) in planned.states { if case .runtime(let type) = state { types[name] = type } }
        }

        mutating func lower(_ node: Node) throws {
            func fail(_ reason: String) -> LoweringError { LoweringError(node: node.name, opType: node.op.kind, reason: reason) }
            func operand(_ index: Int) throws -> Operand {
                let name = node.inputs[index]
                switch planned.states[name] {
                case .constant(let tensor)?:
                    guard tensor.elementType == .float32 else { throw fail("input '\(name)' is an integer tensor") }
                    return .constant(NamedConstant(name: name, tensor: tensor))
                case .runtime(let type)?:
                    guard type.elementType == .float32 else { throw fail("input '\(name)' is an integer tensor computed at run time") }
                    return .value(name)
                case nil:
                    throw ModelError.undefinedValue(name: name, node: node.name)
                }
            }
            func runtime(_ index: Int) throws -> String {
                guard case .value(let name) = try operand(index) else {
                    throw fail("input '\(node.inputs[index])' must be computed at run time, not a constant")
                }
                return name
            }
            func constant(_ index: Int) throws -> NamedConstant {
                guard case .constant(let value) = try operand(index) else {
                    throw fail("input '\(node.inputs[index])' must be an initializer (constant)")
                }
                return value
            }
            func type(_ name: String) -> TensorType { types[name]! }
            let output = node.outputs[0]
            if let type = types[output], type.elementType != .float32 {
                throw fail("integer results computed at run time are not supported")
            }

            switch node.op {
            case let conv as Convolution:
                let input = try runtime(0)
                let resolved = try conv.window.resolve(input: Array(type(input).shape.dropFirst(2)))
                let hasResidual = conv.postOps.contains(.residualAdd)
                let residual = hasResidual ? try runtime(3) : nil
                if let residual, type(residual) != type(output) {
                    // A broadcasting add cannot be a sum post-op: run it separately.
                    let raw = "\(output)::before_add"
                    types[raw] = type(output)
                    let split = conv.postOps.firstIndex(of: .residualAdd)!
                    kernels.append(.convolution(.init(
                        source: input, weights: try constant(1), bias: node.inputs.count > 2 ? try constant(2) : nil,
                        residual: nil, destination: raw, strides: conv.window.strides, dilations: conv.window.dilations,
                        padBegin: resolved.padBegin, padEnd: resolved.padEnd, groups: conv.groups,
                        postOps: Array(conv.postOps[..<split]))))
                    kernels.append(.binary(.add, left: .value(raw), right: .value(residual), destination: output,
                                           postOps: Array(conv.postOps[(split + 1)...])))
                    return
                }
                kernels.append(.convolution(.init(
                    source: input, weights: try constant(1), bias: node.inputs.count > 2 ? try constant(2) : nil,
                    residual: residual, destination: output, strides: conv.window.strides, dilations: conv.window.dilations,
                    padBegin: resolved.padBegin, padEnd: resolved.padEnd, groups: conv.groups, postOps: conv.postOps)))

            case let pool as Pooling:
                let input = try runtime(0)
                let window = pool.concreteWindow(inputShape: type(input).shape)
                let resolved = try window.resolve(input: Array(type(input).shape.dropFirst(2)))
                let algorithm: Kernel.Pooling.Algorithm
                switch pool.reduction {
                case .max: algorithm = .max
                case .average(let includePad): algorithm = includePad ? .averageIncludingPadding : .averageExcludingPadding
                }
                kernels.append(.pooling(.init(source: input, destination: output, algorithm: algorithm, kernel: window.kernel,
                                              strides: window.strides, dilations: window.dilations,
                                              padBegin: resolved.padBegin, padEnd: resolved.padEnd)))

            case let gemm as Gemm:
                let operands = try node.inputs.indices.map { try operand($0) }
                try lowerGemm(gemm, node: node, operands: operands, fail: fail)

            case is MatMul:
                let left = try operand(0), right = try operand(1)
                if case .value(let a) = left, case .constant(let b) = right, type(a).rank == 2, b.tensor.shape.count == 2 {
                    let weights = try Transpose(permutation: [1, 0]).evaluate([b.tensor])![0]
                    kernels.append(.innerProduct(.init(source: a, weights: NamedConstant(name: "\(b.name)::transposed", tensor: weights),
                                                       bias: nil, destination: output, postOps: [])))
                } else {
                    kernels.append(.matMul(left: left, right: right, destination: output))
                }

            case let norm as BatchNormalization:
                kernels.append(.batchNormalization(.init(
                    source: try runtime(0), destination: output, mean: try constant(3), variance: try constant(4),
                    scale: try constant(1), shift: try constant(2), epsilon: norm.epsilon, fusedRelu: norm.fusedRelu)))

            case let lrn as LocalResponseNormalization:
                kernels.append(.localResponseNormalization(.init(source: try runtime(0), destination: output, size: lrn.size,
                                                                  alpha: lrn.alpha, beta: lrn.beta, bias: lrn.bias)))

            case let activation as Activation:
                kernels.append(.activation(source: try runtime(0), destination: output, function: activation.function))

            case is PRelu:
                let input = try runtime(0)
                var slope = try operand(1)
                if case .constant(let constant) = slope {
                    let shape = try PRelu.effectiveSlopeShape(input: type(input).shape, slope: constant.tensor.shape)
                    slope = .constant(NamedConstant(name: constant.name, tensor: constant.tensor.reshaped(shape)))
                }
                kernels.append(.prelu(source: input, slope: slope, destination: output))

            case let binary as ElementwiseBinary:
                kernels.append(.binary(binary.function, left: try operand(0), right: try operand(1), destination: output,
                                       postOps: binary.postOps))

            case is Sum:
                let sources = try node.inputs.indices.map { try runtime($0) }
                if sources.count == 1 {
                    kernels.append(.reshape(source: sources[0], destination: output))
                } else if sources.allSatisfy({ type($0) == type(output) }) {
                    kernels.append(.sum(sources: sources, destination: output))
                } else {
                    throw fail("broadcasting Sum is not supported")
                }

            case let concat as Concat:
                let sources = try node.inputs.indices.map { try runtime($0) }
                let axis = try ShapeMath.normalize(axis: concat.axis, rank: type(output).rank)
                if sources.count == 1 {
                    // DenseNet's first layer concatenates a list of one feature.
                    kernels.append(.reshape(source: sources[0], destination: output))
                } else {
                    kernels.append(.concat(sources: sources, axis: axis, destination: output))
                }

            case let softmax as Softmax:
                let input = try runtime(0)
                let shape = type(input).shape
                let axis = try ShapeMath.normalize(axis: softmax.axis, rank: shape.count)
                if softmax.coercedTo2D && axis != shape.count - 1 {
                    let rows = shape[..<axis].reduce(1, *), columns = shape[axis...].reduce(1, *)
                    let flat = "\(output)::2d_input", flatOut = "\(output)::2d_output"
                    types[flat] = TensorType(.float32, [rows, columns])
                    types[flatOut] = TensorType(.float32, [rows, columns])
                    kernels.append(.reshape(source: input, destination: flat))
                    kernels.append(.softmax(source: flat, destination: flatOut, axis: 1, logarithmic: softmax.logarithmic))
                    kernels.append(.reshape(source: flatOut, destination: output))
                } else {
                    kernels.append(.softmax(source: input, destination: output, axis: axis, logarithmic: softmax.logarithmic))
                }

            case is ReduceMean:
                kernels.append(.reduceMean(source: try runtime(0), destination: output))

            case is Flatten, is Reshape, is Squeeze, is Unsqueeze, is Identity:
                kernels.append(.reshape(source: try runtime(0), destination: output))

            case let cast as Cast:
                guard cast.target == .float32 else { throw fail("casting run-time data to integers is not supported") }
                kernels.append(.reshape(source: try runtime(0), destination: output))

            case let transpose as Transpose:
                let input = try runtime(0)
                kernels.append(.transpose(source: input, destination: output,
                                          permutation: try transpose.resolvedPermutation(rank: type(input).rank)))

            case let slice as Slice:
                let states = node.inputs.map { planned.states[$0]! }
                kernels.append(.slice(source: try runtime(0), destination: output, region: try slice.region(states)))

            case let split as Split:
                let states = node.inputs.map { planned.states[$0]! }
                let (axis, sizes) = try split.resolve(states)
                let input = try runtime(0)
                var offset = 0
                for (part, size) in zip(node.outputs, sizes) {
                    var region = SliceRegion(starts: type(input).shape.map { _ in 0 }, ends: type(input).shape,
                                             steps: type(input).shape.map { _ in 1 })
                    region.starts[axis] = offset
                    region.ends[axis] = offset + size
                    offset += size
                    if !part.isEmpty { kernels.append(.slice(source: input, destination: part, region: region)) }
                }

            case let pad as Pad:
                let states = node.inputs.map { planned.states[$0]! }
                let (begin, _, value) = try pad.resolve(states)
                kernels.append(.pad(source: try runtime(0), destination: output, begin: begin, value: value))

            default:
                throw fail("no kernel for this operator with run-time inputs")
            }
        }

        /// Gemm with constant B becomes an inner product (B stored as
        /// [outputs, inputs], alpha folded into it, beta·C into the bias).
        private mutating func lowerGemm(_ gemm: Gemm, node: Node, operands: [Operand], fail: (String) -> LoweringError) throws {
            let output = node.outputs[0]
            guard !gemm.transposeA, case .value(let a) = operands[0], case .constant(let b) = operands[1] else {
                throw fail("only Gemm with a run-time A (not transposed) and constant B is supported")
            }
            let outputs = types[output]!.shape[1]
            var weights = gemm.transposeB ? b.tensor : try Transpose(permutation: [1, 0]).evaluate([b.tensor])![0]
            var weightsName = gemm.transposeB ? b.name : "\(b.name)::transposed"
            if gemm.alpha != 1 {
                weights = Tensor(shape: weights.shape, floats: weights.floats.map { $0 * gemm.alpha })
                weightsName += "::alpha\(gemm.alpha)"
            }
            var bias: NamedConstant? = nil
            var addAfter: Operand? = nil
            if node.inputs.count > 2 {
                let c = operands[2]
                if case .constant(let value) = c, value.tensor.elementCount == outputs, value.tensor.shape.last == outputs || value.tensor.shape.count == 1 {
                    let scaled = gemm.beta == 1 ? value.tensor : Tensor(shape: [outputs], floats: value.tensor.floats.map { $0 * gemm.beta })
                    bias = NamedConstant(name: gemm.beta == 1 ? value.name : "\(value.name)::beta\(gemm.beta)", tensor: scaled.reshaped([outputs]))
                } else if gemm.beta == 1 {
                    addAfter = c
                } else {
                    throw fail("Gemm with beta ≠ 1 and a non-vector C is not supported")
                }
            }
            if let addAfter {
                let raw = "\(output)::before_c"
                types[raw] = types[output]
                kernels.append(.innerProduct(.init(source: a, weights: NamedConstant(name: weightsName, tensor: weights),
                                                   bias: nil, destination: raw, postOps: [])))
                kernels.append(.binary(.add, left: .value(raw), right: addAfter, destination: output, postOps: gemm.postOps))
            } else {
                kernels.append(.innerProduct(.init(source: a, weights: NamedConstant(name: weightsName, tensor: weights),
                                                   bias: bias, destination: output, postOps: gemm.postOps)))
            }
        }
    }
}
