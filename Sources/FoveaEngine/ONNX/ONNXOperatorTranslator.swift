/// Translates one ONNX node into an IR operator, resolving attribute
/// defaults and the differences between opsets 7–17. Inputs that became
/// attributes in the IR (Clip bounds) are dropped from the node's inputs.
struct ONNXOperatorTranslator {
    let opset: Int64
    /// Constants known so far (initializers and earlier Constant nodes).
    let constants: [String: Tensor]

    /// Operator types this translator accepts, for documentation and errors.
    static let supportedOperators: Set<String> = [
        "Conv", "BatchNormalization", "Relu", "LeakyRelu", "PRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish",
        "Tanh", "Softmax", "LogSoftmax", "LRN", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "ReduceMean", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Sum", "Concat", "Flatten", "Reshape",
        "Transpose", "Squeeze", "Unsqueeze", "Split", "Slice", "Pad", "Dropout", "Identity", "Constant",
        "ConstantOfShape", "Shape", "Gather", "Cast",
    ]

    func translate(_ node: ONNXNode) throws -> Node {
        let attributes = ONNXAttributeReader(node: node)
        var inputs = node.inputs
        var outputs = node.outputs
        func invalid(_ reason: String) -> ModelError {
            .invalidNode(node: node.displayName, opType: node.opType, reason: reason)
        }
        func requireInputs(_ range: ClosedRange<Int>) throws {
            guard range.contains(inputs.count) else { throw invalid("expects \(range) inputs, has \(inputs.count)") }
        }
        let op: any Operator
        switch node.opType {
        case "Conv":
            try requireInputs(2...3)
            let kernel: [Int]
            if let given = try attributes.ints("kernel_shape") {
                kernel = given
            } else if let weights = constants[inputs[1]], weights.shape.count > 2 {
                kernel = Array(weights.shape.dropFirst(2))
            } else {
                throw invalid("kernel_shape is missing and the weights are not an initializer")
            }
            op = Convolution(window: try attributes.spatialWindow(kernel: kernel), groups: try attributes.int("group", default: 1))
        case "BatchNormalization":
            try requireInputs(5...5)
            guard try attributes.int("training_mode", default: 0) == 0 else { throw invalid("training mode is not supported") }
            outputs = Array(outputs.prefix(1))
            op = BatchNormalization(epsilon: try attributes.float("epsilon", default: 1e-5))
        case "Relu":
            op = Activation(.relu)
        case "LeakyRelu":
            op = Activation(.leakyRelu(alpha: try attributes.float("alpha", default: 0.01)))
        case "PRelu":
            try requireInputs(2...2)
            op = PRelu()
        case "Clip":
            var low = try attributes.float("min", default: -Float.greatestFiniteMagnitude)
            var high = try attributes.float("max", default: Float.greatestFiniteMagnitude)
            if opset >= 11 {
                for (index, name) in inputs.enumerated().dropFirst() where !name.isEmpty {
                    guard let bound = constants[name]?.floats, bound.count == 1 else {
                        throw invalid("the \(index == 1 ? "min" : "max") input must be a scalar initializer")
                    }
                    if index == 1 { low = bound[0] } else { high = bound[0] }
                }
                inputs = Array(inputs.prefix(1))
            }
            op = Activation(.clip(min: low, max: high))
        case "Sigmoid":
            op = Activation(.sigmoid)
        case "HardSigmoid":
            op = Activation(.hardSigmoid(alpha: try attributes.float("alpha", default: 0.2), beta: try attributes.float("beta", default: 0.5)))
        case "HardSwish":
            op = Activation(.hardSwish)
        case "Tanh":
            op = Activation(.tanh)
        case "Softmax", "LogSoftmax":
            let legacy = opset < 13
            op = Softmax(axis: try attributes.int("axis", default: legacy ? 1 : -1), logarithmic: node.opType == "LogSoftmax", coercedTo2D: legacy)
        case "LRN":
            guard let size = try attributes.int("size") else { throw invalid("attribute 'size' is required") }
            op = LocalResponseNormalization(size: size, alpha: try attributes.float("alpha", default: 1e-4),
                                            beta: try attributes.float("beta", default: 0.75), bias: try attributes.float("bias", default: 1))
        case "MaxPool", "AveragePool":
            guard let kernel = try attributes.ints("kernel_shape") else { throw invalid("attribute 'kernel_shape' is required") }
            if node.opType == "MaxPool", outputs.count > 1, !outputs[1].isEmpty { throw invalid("the Indices output is not supported") }
            outputs = Array(outputs.prefix(1))
            let window = try attributes.spatialWindow(kernel: kernel, ceilMode: try attributes.int("ceil_mode", default: 0) != 0)
            let reduction: Pooling.Reduction = node.opType == "MaxPool"
                ? .max : .average(countIncludePad: try attributes.int("count_include_pad", default: 0) != 0)
            op = Pooling(reduction: reduction, window: window)
        case "GlobalAveragePool":
            op = Pooling(reduction: .average(countIncludePad: false), window: nil)
        case "GlobalMaxPool":
            op = Pooling(reduction: .max, window: nil)
        case "ReduceMean":
            var axes = try attributes.ints("axes")
            if opset >= 18, inputs.count > 1, !inputs[1].isEmpty {
                guard let given = constants[inputs[1]] else { throw invalid("the axes input must be an initializer") }
                axes = given.int64s.map { Int($0) }
            }
            inputs = Array(inputs.prefix(1))
            if axes?.isEmpty ?? false, try attributes.int("noop_with_empty_axes", default: 0) != 0 {
                op = Identity(sourceKind: "ReduceMean")
            } else {
                op = ReduceMean(axes: axes?.isEmpty ?? true ? nil : axes, keepDims: try attributes.int("keepdims", default: 1) != 0)
            }
        case "Gemm":
            try requireInputs(2...3)
            op = Gemm(alpha: try attributes.float("alpha", default: 1), beta: try attributes.float("beta", default: 1),
                      transposeA: try attributes.int("transA", default: 0) != 0, transposeB: try attributes.int("transB", default: 0) != 0)
        case "MatMul":
            try requireInputs(2...2)
            op = MatMul()
        case "Add", "Sub", "Mul", "Div":
            try requireInputs(2...2)
            if opset < 7, try attributes.int("broadcast", default: 0) != 0 { throw invalid("legacy broadcast attribute is not supported") }
            op = ElementwiseBinary(ElementwiseBinary.Function(rawValue: node.opType)!)
        case "Sum":
            // Two inputs are an Add, which the passes fuse with the ReLU
            // after it or into a convolution as its shortcut (how
            // Caffe2-era ShuffleNet writes its residual connections).
            op = inputs.count == 2 ? ElementwiseBinary(.add) : Sum()
        case "Concat":
            guard let axis = try attributes.int("axis") else { throw invalid("attribute 'axis' is required") }
            op = Concat(axis: axis)
        case "Flatten":
            op = Flatten(axis: try attributes.int("axis", default: 1))
        case "Reshape":
            try requireInputs(2...2)
            op = Reshape(allowZero: try attributes.int("allowzero", default: 0) != 0)
        case "Transpose":
            op = Transpose(permutation: try attributes.ints("perm"))
        case "Squeeze":
            op = Squeeze(axes: try attributes.ints("axes"))
        case "Unsqueeze":
            op = Unsqueeze(axes: try attributes.ints("axes"))
        case "Split":
            op = Split(axis: try attributes.int("axis", default: 0), sizes: try attributes.ints("split"), outputCount: outputs.count)
        case "Slice":
            op = Slice(starts: try attributes.ints("starts"), ends: try attributes.ints("ends"), axes: try attributes.ints("axes"))
        case "Pad":
            _ = try attributes.require("mode", in: ["constant"], default: "constant")
            op = Pad(pads: try attributes.ints("pads") ?? attributes.ints("paddings"), value: try attributes.float("value", default: 0))
        case "Dropout", "Identity":
            // An inference Dropout's mask is never computed; a node reading it fails as an undefined value.
            outputs = Array(outputs.prefix(1))
            inputs = Array(inputs.prefix(1))
            op = Identity(sourceKind: node.opType)
        case "ConstantOfShape":
            op = ConstantOfShape(value: try attributes.tensor("value") ?? Tensor(shape: [1], floats: [0]))
        case "Shape":
            op = Shape(start: try attributes.int("start", default: 0), end: try attributes.int("end"))
        case "Gather":
            op = Gather(axis: try attributes.int("axis", default: 0))
        case "Cast":
            guard let code = try attributes.int("to"), let type = ONNXDataType(rawValue: code) else { throw invalid("attribute 'to' is missing or unknown") }
            switch type {
            case .float, .double, .float16: op = Cast(target: .float32)
            case .int64, .int32, .int16, .int8, .uint8, .uint16, .uint32, .uint64, .bool: op = Cast(target: .int64)
            default: throw invalid("casting to \(type) is not supported")
            }
        default:
            throw ModelError.unsupportedOperator(opType: node.opType, domain: node.domain, node: node.displayName)
        }
        return Node(name: node.displayName, op: op, inputs: inputs, outputs: outputs)
    }

    /// The value of a `Constant` node, from whichever `value*` attribute it has.
    func constantValue(_ node: ONNXNode) throws -> Tensor {
        let attributes = ONNXAttributeReader(node: node)
        if let tensor = try attributes.tensor("value") { return tensor }
        if let value = try attributes.float("value_float") { return Tensor(shape: [], floats: [value]) }
        if let values = try attributes.floats("value_floats") { return Tensor(shape: [values.count], floats: values) }
        if let value = try attributes.int("value_int") { return Tensor(shape: [], int64s: [Int64(value)]) }
        if let values = try attributes.ints("value_ints") { return Tensor(shape: [values.count], int64s: values.map { Int64($0) }) }
        throw ModelError.invalidNode(node: node.displayName, opType: "Constant", reason: "no supported value attribute")
    }
}
