/// A pointwise activation (Relu, Clip, Sigmoid, ...), possibly recognized
/// from a multi-node pattern such as Sigmoid-Mul.
public struct Activation: Operator {
    public var function: ActivationFunction

    public init(_ function: ActivationFunction) { self.function = function }

    public var kind: String { function.description }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects one input") }
        return [TensorType(.float32, x.shape)]
    }
}
