/// Builds the IR graph from a decoded ONNX model: translates nodes, turns
/// initializers and Constant nodes into constants, and checks that every
/// value a node reads is defined before it, so a model that loads is one the
/// planner can walk.
public enum ONNXImporter {
    public static func graph(from model: ONNXModel) throws -> Graph {
        let onnx = model.graph
        var constants: [String: Tensor] = [:]
        for initializer in onnx.initializers {
            constants[initializer.name] = try Tensor(onnx: initializer)
        }
        var defined = Set(constants.keys)
        var inputs: [Graph.Input] = []
        for input in onnx.inputs where constants[input.name] == nil {
            if let type = input.elementType, type != .float {
                throw ModelError.invalidInput(name: input.name, reason: "element type \(type) is not supported (expected float32)")
            }
            guard let dims = input.shape else {
                throw ModelError.invalidInput(name: input.name, reason: "the model declares no shape")
            }
            inputs.append(Graph.Input(name: input.name, shape: dims.map {
                if case .value(let value) = $0, value > 0 { return value }
                return nil
            }))
            defined.insert(input.name)
        }
        guard !inputs.isEmpty else { throw ONNXLoadingError.notAModel(reason: "the graph has no inputs") }

        var nodes: [Node] = []
        for onnxNode in onnx.nodes {
            guard onnxNode.domain.isEmpty || onnxNode.domain == "ai.onnx" else {
                throw ModelError.unsupportedOperator(opType: onnxNode.opType, domain: onnxNode.domain, node: onnxNode.displayName)
            }
            let translator = ONNXOperatorTranslator(opset: model.opsetVersion, constants: constants)
            if onnxNode.opType == "Constant" {
                guard let output = onnxNode.outputs.first else { continue }
                constants[output] = try translator.constantValue(onnxNode)
                defined.insert(output)
                continue
            }
            for input in onnxNode.inputs where !input.isEmpty && !defined.contains(input) {
                throw ModelError.undefinedValue(name: input, node: onnxNode.displayName)
            }
            var node = try translator.translate(onnxNode)
            while node.inputs.last?.isEmpty ?? false { node.inputs.removeLast() }
            if node.op is Slice, node.inputs.count == 5, node.inputs[3].isEmpty, let starts = constants[node.inputs[1]] {
                let axesName = "\(node.name)::axes"
                constants[axesName] = Tensor(shape: [starts.elementCount], int64s: (0..<Int64(starts.elementCount)).map { $0 })
                defined.insert(axesName)
                node.inputs[3] = axesName
            }
            if node.inputs.contains("") {
                throw ModelError.invalidNode(node: node.name, opType: node.op.kind,
                                             reason: "an omitted optional input followed by a present one is not supported")
            }
            for input in node.inputs where !input.isEmpty && !defined.contains(input) {
                throw ModelError.undefinedValue(name: input, node: node.name)
            }
            defined.formUnion(node.outputs.filter { !$0.isEmpty })
            nodes.append(node)
        }
        let outputs = try onnx.outputs.map { output -> Graph.Output in
            guard defined.contains(output.name) else { throw ModelError.undefinedValue(name: output.name, node: "<graph output>") }
            return Graph.Output(name: output.name, value: output.name)
        }
        return Graph(nodes: nodes, constants: constants, inputs: inputs, outputs: outputs)
    }
}
