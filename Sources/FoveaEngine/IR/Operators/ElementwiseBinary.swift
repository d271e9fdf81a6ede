/// Add, Sub, Mul or Div with numpy broadcasting. Fusion passes may attach
/// post-ops (e.g. the Relu after a residual Add that could not be fused into
/// a convolution).
public struct ElementwiseBinary: Operator {
    public enum Function: String, Sendable {
        case add = "Add", subtract = "Sub", multiply = "Mul", divide = "Div"
    }

    public var function: Function
    public var postOps: [PostOp] = []

    public init(_ function: Function) { self.function = function }

    public var kind: String { function.rawValue }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count == 2 else { throw OperatorError("expects two inputs") }
        guard inputs[0].type.elementType == inputs[1].type.elementType else {
            throw OperatorError("operands have different element types \(inputs[0].type) and \(inputs[1].type)")
        }
        return [TensorType(inputs[0].type.elementType, try ShapeMath.broadcast(inputs[0].shape, inputs[1].shape))]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        guard postOps.isEmpty else { return nil }
        let shape = try ShapeMath.broadcast(inputs[0].shape, inputs[1].shape)
        let left = ShapeMath.broadcastIndices(from: inputs[0].shape, to: shape)
        let right = ShapeMath.broadcastIndices(from: inputs[1].shape, to: shape)
        switch (inputs[0].storage, inputs[1].storage) {
        case (.int64(let a), .int64(let b)):
            let values = try zip(left, right).map { i, j -> Int64 in
                switch function {
                case .add: return a[i] &+ b[j]
                case .subtract: return a[i] &- b[j]
                case .multiply: return a[i] &* b[j]
                case .divide:
                    guard b[j] != 0 else { throw OperatorError("integer division by zero") }
                    return a[i] / b[j]
                }
            }
            return [Tensor(shape: shape, int64s: values)]
        default:
            let a = inputs[0].floats, b = inputs[1].floats
            let values = zip(left, right).map { i, j -> Float in
                switch function {
                case .add: return a[i] + b[j]
                case .subtract: return a[i] - b[j]
                case .multiply: return a[i] * b[j]
                case .divide: return a[i] / b[j]
                }
            }
            return [Tensor(shape: shape, floats: values)]
        }
    }
}
