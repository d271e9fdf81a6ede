/// Recognizes activations that exporters spell as two nodes:
/// `x · Sigmoid(x)` (SiLU/Swish) and `x · HardSigmoid(x; 1/6, 1/2)`
/// (HardSwish in opsets without the HardSwish operator). Turning them into
/// one `Activation` lets `ActivationFusion` put them into a kernel.
public struct ActivationPatternRecognition: GraphPass {
    public init() {}

    public var name: String { "ActivationPatternRecognition" }

    public func run(on graph: inout Graph) throws {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            guard let mul = graph.nodes[index].op as? ElementwiseBinary, mul.function == .multiply, mul.postOps.isEmpty else { continue }
            let mulNode = graph.nodes[index]
            let producers = graph.producers()
            let consumers = graph.consumerCounts()
            for (gateSlot, otherSlot) in [(0, 1), (1, 0)] {
                let gate = mulNode.inputs[gateSlot], x = mulNode.inputs[otherSlot]
                guard let gateIndex = producers[gate], consumers[gate] == 1,
                      let activation = graph.nodes[gateIndex].op as? Activation,
                      graph.nodes[gateIndex].inputs.first == x else { continue }
                let fused: ActivationFunction
                switch activation.function {
                case .sigmoid:
                    fused = .swish
                case .hardSigmoid(let alpha, let beta) where abs(alpha - 1 / 6) < 1e-6 && abs(beta - 0.5) < 1e-6:
                    fused = .hardSwish
                default:
                    continue
                }
                graph.nodes[index] = Node(name: mulNode.name, op: Activation(fused), inputs: [x], outputs: mulNode.outputs)
                graph.nodes.remove(at: gateIndex)
                if gateIndex < index { index -= 1 }
                break
            }
        }
    }
}
