/// Computes, once at load time, every node whose inputs are all constants
/// (weights written as ConstantOfShape, Unsqueeze of a BatchNorm scale, a
/// Reshape of an initializer) and makes its results constants of the graph.
///
/// The passes after it see such weights as the initializers they are, so
/// that, e.g., `ConvBNFolding` folds a BatchNormalization whose parameters
/// an exporter computed (the ONNX model zoo's Caffe2 conversions) into the
/// convolution before it. Values that depend on the batch size (Shape of an
/// input) are not constants of the graph and stay for planning.
public struct ConstantFolding: GraphPass {
    public init() {}

    public var name: String { "ConstantFolding" }

    public func run(on graph: inout Graph) throws {
        var index = 0
        while index < graph.nodes.count {
            let node = graph.nodes[index]
            let inputs = node.inputs.map { $0.isEmpty ? nil : graph.constants[$0] }
            guard !node.inputs.isEmpty, inputs.allSatisfy({ $0 != nil }), node.inputs.allSatisfy({ !$0.isEmpty }),
                  let outputs = try? node.op.evaluate(inputs.compactMap { $0 }), outputs.count >= node.outputs.count else {
                index += 1
                continue
            }
            for (name, value) in zip(node.outputs, outputs) where !name.isEmpty { graph.constants[name] = value }
            graph.nodes.remove(at: index)
        }
    }
}
