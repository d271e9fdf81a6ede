/// Element-wise sum of any number of same-shaped inputs.
public struct Sum: Operator {
    public init() {}

    public var kind: String { "Sum" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let first = inputs.first else { throw OperatorError("expects at least one input") }
        var shape = first.shape
        for input in inputs.dropFirst() { shape = try ShapeMath.broadcast(shape, input.shape) }
        return [TensorType(first.type.elementType, shape)]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        var total = inputs[0]
        for input in inputs.dropFirst() {
            guard let next = try ElementwiseBinary(.add).evaluate([total, input])?.first else { return nil }
            total = next
        }
        return [total]
    }
}
