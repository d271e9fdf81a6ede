/// Leaky ReLU with a learned slope tensor, broadcast to the input.
public struct PRelu: Operator {
    public init() {}

    public var kind: String { "PRelu" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count == 2 else { throw OperatorError("expects X and slope") }
        let shape = try ShapeMath.broadcast(inputs[0].shape, inputs[1].shape)
        guard shape == inputs[0].shape else { throw OperatorError("slope \(inputs[1].shape) must broadcast to \(inputs[0].shape)") }
        return [TensorType(.float32, shape)]
    }
}
