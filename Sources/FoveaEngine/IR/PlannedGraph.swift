/// A graph specialized to concrete input shapes: every value has a known
/// type, everything computable from constants (shape sub-graphs) has been
/// evaluated, and `nodes` holds only the work left for the executor.
public struct PlannedGraph: Sendable {
    public var nodes: [Node]
    public var states: [String: ValueState]
    public var inputs: [(name: String, type: TensorType)]
    public var outputs: [Graph.Output]
}

extension Graph {
    /// Specializes the graph to `batchSize`: the first dimension of every
    /// input becomes `batchSize`, all other input dimensions must be fixed.
    public func planned(batchSize: Int) throws -> PlannedGraph {
        var states: [String: ValueState] = constants.mapValues { .constant($0) }
        var plannedInputs: [(name: String, type: TensorType)] = []
        for input in inputs {
            guard !input.shape.isEmpty else { throw ModelError.invalidInput(name: input.name, reason: "scalar inputs are not supported") }
            var shape: [Int] = []
            for (axis, dimension) in input.shape.enumerated() {
                if axis == 0 { shape.append(batchSize); continue }
                guard let dimension else {
                    throw ModelError.invalidInput(name: input.name, reason: "dimension \(axis) is not fixed; only the batch dimension may vary")
                }
                shape.append(dimension)
            }
            do {
                _ = try ShapeMath.elementCount(of: shape)
            } catch let error as OperatorError {
                throw ModelError.invalidInput(name: input.name, reason: error.message)
            }
            let type = TensorType(.float32, shape)
            states[input.name] = .runtime(type)
            plannedInputs.append((input.name, type))
        }
        var runtimeNodes: [Node] = []
        for node in nodes {
            var inputStates: [ValueState] = []
            for input in node.inputs {
                guard let state = states[input] else { throw ModelError.undefinedValue(name: input, node: node.name) }
                inputStates.append(state)
            }
            do {
                let types = try node.op.outputTypes(inputStates)
                for type in types { _ = try ShapeMath.elementCount(of: type.shape) }
                var results: [ValueState]? = nil
                if let shapeOp = node.op as? Shape {
                    results = [.constant(shapeOp.value(of: inputStates[0]))]
                } else if case let constants = inputStates.compactMap(\.constant), constants.count == inputStates.count,
                          let values = try node.op.evaluate(constants) {
                    results = values.map { .constant($0) }
                }
                if results == nil {
                    results = types.map { .runtime($0) }
                    runtimeNodes.append(node)
                }
                for (output, state) in zip(node.outputs, results!) where !output.isEmpty {
                    states[output] = state
                }
            } catch let error as OperatorError {
                throw ModelError.invalidNode(node: node.name, opType: node.op.kind, reason: error.message)
            }
        }
        return PlannedGraph(nodes: runtimeNodes, states: states, inputs: plannedInputs, outputs: outputs)
    }
}
