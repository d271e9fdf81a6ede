/// Inference-mode batch normalization; inputs `X, scale, B, mean, var`.
/// `fusedRelu` (set by `ActivationFusion`) applies a ReLU to the result.
public struct BatchNormalization: Operator {
    public var epsilon: Float
    public var fusedRelu = false

    public init(epsilon: Float) { self.epsilon = epsilon }

    public var kind: String { "BatchNormalization" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count == 5 else { throw OperatorError("expects 5 inputs (X, scale, B, mean, var)") }
        let x = inputs[0].shape
        guard x.count >= 2 else { throw OperatorError("input \(x) has no channel dimension") }
        for parameter in inputs[1...] where parameter.type.elementCount != x[1] {
            throw OperatorError("parameter of shape \(parameter.shape) does not match \(x[1]) channels")
        }
        return [TensorType(.float32, x)]
    }
}
