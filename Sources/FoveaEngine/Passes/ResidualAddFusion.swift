/// Turns `Add(conv(x), r)` into a convolution with a `sum` post-op that
/// accumulates into a buffer pre-filled with `r`, the classic ResNet
/// shortcut. The convolution chosen is the one computed last, so that `r`
/// already exists when it runs. Activations already fused into the Add
/// (the ResNet Add+Relu) follow the sum in the convolution's post-ops.
public struct ResidualAddFusion: GraphPass {
    public init() {}

    public var name: String { "ResidualAddFusion" }

    public func run(on graph: inout Graph) throws {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            guard let add = graph.nodes[index].op as? ElementwiseBinary, add.function == .add,
                  !add.postOps.contains(.residualAdd) else { continue }
            let addNode = graph.nodes[index]
            let producers = graph.producers()
            let consumers = graph.consumerCounts()
            let candidates = [(0, 1), (1, 0)].compactMap { convSlot, otherSlot -> (Int, String)? in
                let convOutput = addNode.inputs[convSlot], residual = addNode.inputs[otherSlot]
                guard graph.constants[residual] == nil, convOutput != residual,
                      let convIndex = producers[convOutput], consumers[convOutput] == 1,
                      let conv = graph.nodes[convIndex].op as? Convolution, !conv.postOps.contains(.residualAdd) else { return nil }
                let residualIndex = producers[residual] ?? -1
                guard residualIndex < convIndex else { return nil }
                return (convIndex, residual)
            }
            guard let (convIndex, residual) = candidates.max(by: { $0.0 < $1.0 }) else { continue }
            var convNode = graph.nodes[convIndex]
            var conv = convNode.op as! Convolution
            if convNode.inputs.count < 3 {
                guard let weights = graph.constants[convNode.inputs[1]] else { continue }
                let biasName = "\(convNode.name)::zero_bias"
                graph.constants[biasName] = Tensor(shape: [weights.shape[0]], floats: Array(repeating: 0, count: weights.shape[0]))
                convNode.inputs.append(biasName)
            }
            conv.postOps.append(.residualAdd)
            conv.postOps += add.postOps
            convNode.op = conv
            convNode.inputs.append(residual)
            convNode.outputs = addNode.outputs
            graph.nodes[convIndex] = convNode
            graph.nodes.remove(at: index)
            index -= 1
        }
    }
}
