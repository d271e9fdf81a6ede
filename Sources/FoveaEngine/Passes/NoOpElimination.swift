/// Removes Identity and inference-mode Dropout nodes by rewiring their
/// readers to the node's input.
public struct NoOpElimination: GraphPass {
    public init() {}

    public var name: String { "NoOpElimination" }

    public func run(on graph: inout Graph) throws {
        var index = 0
        while index < graph.nodes.count {
            let node = graph.nodes[index]
            if node.op is Identity, let input = node.inputs.first, let output = node.outputs.first {
                graph.nodes.remove(at: index)
                graph.replaceUses(of: output, with: input)
            } else {
                index += 1
            }
        }
    }
}
