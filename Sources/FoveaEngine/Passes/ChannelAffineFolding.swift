/// Turns every per-channel affine map y = x·s + t of an activation into
/// BatchNormalization nodes, one per chain: Mul, Add, Sub and Div of an
/// activation by a constant holding one value per channel ([C,1,1],
/// [1,C,1,1], or one value for all), as older exporters and Caffe2-era
/// models spell BatchNormalization and scaling, and chains of them with
/// BatchNormalization itself.
///
/// `ConvBNFolding`, which runs next, folds the result into the convolution
/// before it; where there is none (DenseNet's pre-activation BatchNorm after
/// a Concat) it costs one pass over the activation instead of one per node,
/// on oneDNN's batch normalization kernels, which have JIT versions for
/// every layout (its binary kernels had only the reference one for a
/// blocked activation and a plain [C,1,1] constant).
public struct ChannelAffineFolding: GraphPass {
    public init() {}

    public var name: String { "ChannelAffineFolding" }

    public func run(on graph: inout Graph) throws {
        // Shapes and constant values (incl. computed ones, e.g. Unsqueeze of
        // a weight) are the same at every batch size but the first axis.
        guard let planned = try? graph.planned(batchSize: 1) else { return }
        for index in graph.nodes.indices {
            guard let affine = Self.affine(graph.nodes[index], states: planned.states) else { continue }
            let node = graph.nodes[index]
            graph.nodes[index] = Self.batchNormalization(named: node.name, input: affine.input, output: node.outputs[0],
                                                         scale: affine.scale, shift: affine.shift, constants: &graph.constants)
        }
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            guard graph.nodes[index].op is BatchNormalization else { continue }
            let second = graph.nodes[index]
            guard let firstIndex = graph.producers()[second.inputs[0]], graph.consumerCounts()[second.inputs[0]] == 1,
                  graph.nodes[firstIndex].op is BatchNormalization,
                  let first = Self.scaleAndShift(graph.nodes[firstIndex], constants: graph.constants),
                  let then = Self.scaleAndShift(second, constants: graph.constants), first.scale.count == then.scale.count else { continue }
            let scale = zip(first.scale, then.scale).map { $0 * $1 }
            let shift = (0..<scale.count).map { first.shift[$0] * then.scale[$0] + then.shift[$0] }
            graph.nodes[firstIndex] = Self.batchNormalization(named: graph.nodes[firstIndex].name, input: graph.nodes[firstIndex].inputs[0],
                                                              output: second.outputs[0], scale: scale, shift: shift,
                                                              constants: &graph.constants)
            graph.nodes.remove(at: index)
            index -= 1
        }
    }

    /// `node` as x·scale + shift per channel, if it is an element-wise
    /// operation of a run-time activation (rank 3 to 5) and a per-channel
    /// constant that leaves the activation's shape unchanged.
    private static func affine(_ node: Node, states: [String: ValueState]) -> (input: String, scale: [Float], shift: [Float])? {
        guard let binary = node.op as? ElementwiseBinary, binary.postOps.isEmpty, node.inputs.count == 2,
              let left = states[node.inputs[0]], let right = states[node.inputs[1]] else { return nil }
        let constantOnRight: Bool
        switch (left, right) {
        case (.runtime, .constant): constantOnRight = true
        case (.constant, .runtime): constantOnRight = false
        default: return nil
        }
        let x = constantOnRight ? left.type : right.type
        guard let constant = (constantOnRight ? right : left).constant, constant.elementType == .float32,
              x.elementType == .float32, (3...5).contains(x.rank),
              let values = perChannelValues(constant, activation: x.shape) else { return nil }
        let input = node.inputs[constantOnRight ? 0 : 1]
        let ones = [Float](repeating: 1, count: values.count), zeros = [Float](repeating: 0, count: values.count)
        switch (binary.function, constantOnRight) {
        case (.multiply, _): return (input, values, zeros)
        case (.add, _): return (input, ones, values)
        case (.subtract, true): return (input, ones, values.map { -$0 })
        case (.subtract, false): return (input, ones.map { -$0 }, values)
        case (.divide, true): return (input, values.map { 1 / $0 }, zeros)
        case (.divide, false): return nil
        }
    }

    /// One value per channel of `activation` (N×C×…), if broadcasting
    /// `constant` against it varies along the channel axis at most.
    private static func perChannelValues(_ constant: Tensor, activation: [Int]) -> [Float]? {
        let channels = activation[1]
        guard constant.shape.count <= activation.count else { return nil }
        let aligned = Array(repeating: 1, count: activation.count - constant.shape.count) + constant.shape
        guard aligned[0] == 1, aligned.dropFirst(2).allSatisfy({ $0 == 1 }) else { return nil }
        switch aligned[1] {
        case channels: return constant.floats
        case 1: return Array(repeating: constant.floats[0], count: channels)
        default: return nil
        }
    }

    /// A BatchNormalization node's map as x·scale + shift per channel.
    private static func scaleAndShift(_ node: Node, constants: [String: Tensor]) -> (scale: [Float], shift: [Float])? {
        guard let norm = node.op as? BatchNormalization, !norm.fusedRelu else { return nil }
        let parameters = node.inputs[1...].compactMap { constants[$0]?.floats }
        guard parameters.count == 4 else { return nil }
        let (gamma, beta, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
        guard Set([gamma.count, beta.count, mean.count, variance.count]).count == 1 else { return nil }
        let scale = (0..<gamma.count).map { gamma[$0] / (variance[$0] + norm.epsilon).squareRoot() }
        return (scale, (0..<gamma.count).map { beta[$0] - mean[$0] * scale[$0] })
    }

    /// A BatchNormalization node computing exactly x·scale + shift (mean 0,
    /// variance 1, epsilon 0), its parameters added to `constants`.
    private static func batchNormalization(named name: String, input: String, output: String, scale: [Float], shift: [Float],
                                           constants: inout [String: Tensor]) -> Node {
        let channels = scale.count
        let parameters = [("scale", scale), ("shift", shift), ("mean", [Float](repeating: 0, count: channels)),
                          ("variance", [Float](repeating: 1, count: channels))]
        for (suffix, values) in parameters { constants["\(name)::affine_\(suffix)"] = Tensor(shape: [channels], floats: values) }
        return Node(name: name, op: BatchNormalization(epsilon: 0), inputs: [input] + parameters.map { "\(name)::affine_\($0.0)" },
                    outputs: [output])
    }
}
