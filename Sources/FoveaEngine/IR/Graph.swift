/// The engine's model representation: nodes in topological order, constants
/// (initializers) and the external interface.
public struct Graph: Sendable {
    /// A model input. `shape` dimensions may be nil where the model leaves
    /// them open; the batch dimension is always set by the plan.
    public struct Input: Sendable {
        public var name: String
        public var shape: [Int?]
    }

    /// A model output: `name` is what users see, `value` the graph value that
    /// holds it (they differ after passes remove the node producing `name`).
    public struct Output: Sendable {
        public var name: String
        public var value: String
    }

    public var nodes: [Node]
    public var constants: [String: Tensor]
    public var inputs: [Input]
    public var outputs: [Output]

    public init(nodes: [Node], constants: [String: Tensor], inputs: [Input], outputs: [Output]) {
        self.nodes = nodes
        self.constants = constants
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Whether every input leaves its first (batch) dimension open, so that
    /// plans for any batch size exist; a file fixing it plans batch 1 only.
    public var acceptsAnyBatchSize: Bool {
        inputs.allSatisfy { input in input.shape.first.map { $0 == nil } ?? false }
    }

    /// How many nodes read each value; graph outputs count as readers, which
    /// keeps passes from fusing away a value the user asked for.
    public func consumerCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes {
            for input in node.inputs where !input.isEmpty { counts[input, default: 0] += 1 }
        }
        for output in outputs { counts[output.value, default: 0] += 1 }
        return counts
    }

    /// Index of the node producing each value.
    public func producers() -> [String: Int] {
        var producers: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty { producers[output] = index }
        }
        return producers
    }

    /// Replaces every use of `old` by `new`, including graph outputs.
    public mutating func replaceUses(of old: String, with new: String) {
        for index in nodes.indices {
            nodes[index].inputs = nodes[index].inputs.map { $0 == old ? new : $0 }
        }
        for index in outputs.indices where outputs[index].value == old {
            outputs[index].value = new
        }
    }
}
