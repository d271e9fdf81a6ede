/// Folds an inference BatchNormalization into the convolution feeding it:
/// with s = γ / √(σ² + ε), W' = W·s per output channel and
/// b' = (b − μ)·s + β. This removes a full pass over the activation.
public struct ConvBNFolding: GraphPass {
    public init() {}

    public var name: String { "ConvBNFolding" }

    public func run(on graph: inout Graph) throws {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            guard let norm = graph.nodes[index].op as? BatchNormalization, !norm.fusedRelu else { continue }
            let bnNode = graph.nodes[index]
            let producers = graph.producers()
            let consumers = graph.consumerCounts()
            guard let convIndex = producers[bnNode.inputs[0]], consumers[bnNode.inputs[0]] == 1,
                  let conv = graph.nodes[convIndex].op as? Convolution, conv.postOps.isEmpty else { continue }
            let convNode = graph.nodes[convIndex]
            let parameters = bnNode.inputs[1...].compactMap { graph.constants[$0]?.floats }
            guard parameters.count == 4, let weights = graph.constants[convNode.inputs[1]] else { continue }
            let (gamma, beta, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
            let channels = weights.shape[0]
            guard gamma.count == channels, beta.count == channels, mean.count == channels, variance.count == channels else { continue }
            let bias: [Float]
            if convNode.inputs.count > 2 {
                guard let given = graph.constants[convNode.inputs[2]]?.floats, given.count == channels else { continue }
                bias = given
            } else {
                bias = Array(repeating: 0, count: channels)
            }
            guard channels > 0, case .float32(let unfolded) = weights.storage else { continue }
            let scale = (0..<channels).map { gamma[$0] / (variance[$0] + norm.epsilon).squareRoot() }
            let foldedBias = (0..<channels).map { (bias[$0] - mean[$0]) * scale[$0] + beta[$0] }
            let weightsName = "\(convNode.name)::bn_folded_weights"
            let biasName = "\(convNode.name)::bn_folded_bias"
            graph.constants[weightsName] = Tensor(shape: weights.shape, floats: FloatBuffer(scalingRowsOf: unfolded, by: scale))
            graph.constants[biasName] = Tensor(shape: [channels], floats: foldedBias)
            graph.nodes[convIndex].inputs = [convNode.inputs[0], weightsName, biasName]
            graph.nodes[convIndex].outputs = bnNode.outputs
            graph.nodes.remove(at: index)
            index -= 1
        }
    }
}
