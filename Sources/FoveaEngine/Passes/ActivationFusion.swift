/// Moves an activation into the post-ops of the kernel producing its input
/// (Conv, Gemm, element-wise Add; a ReLU also into BatchNormalization, as
/// DenseNet's pre-activations have it), when nothing else reads the
/// kernel's raw output. The activation then costs no extra memory pass.
public struct ActivationFusion: GraphPass {
    public init() {}

    public var name: String { "ActivationFusion" }

    public func run(on graph: inout Graph) throws {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            guard let activation = graph.nodes[index].op as? Activation else { continue }
            let node = graph.nodes[index]
            let producers = graph.producers()
            guard let input = node.inputs.first, graph.consumerCounts()[input] == 1,
                  let producerIndex = producers[input] else { continue }
            let postOp = PostOp.activation(activation.function)
            var producer = graph.nodes[producerIndex]
            switch producer.op {
            case var conv as Convolution:
                conv.postOps.append(postOp)
                producer.op = conv
            case var gemm as Gemm:
                gemm.postOps.append(postOp)
                producer.op = gemm
            case var binary as ElementwiseBinary where binary.function == .add:
                binary.postOps.append(postOp)
                producer.op = binary
            case var norm as BatchNormalization where activation.function == .relu && !norm.fusedRelu:
                norm.fusedRelu = true
                producer.op = norm
            default:
                continue
            }
            producer.outputs = node.outputs
            graph.nodes[producerIndex] = producer
            graph.nodes.remove(at: index)
            index -= 1
        }
    }
}
