/// Collapses dimensions before and from `axis` into a matrix.
public struct Flatten: Operator {
    public var axis: Int

    public init(axis: Int) { self.axis = axis }

    public var kind: String { "Flatten" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects one input") }
        let rank = x.shape.count
        let axis = self.axis < 0 ? self.axis + rank : self.axis
        guard axis >= 0, axis <= rank else { throw OperatorError("axis \(self.axis) is out of range for rank \(rank)") }
        return [TensorType(x.type.elementType, [x.shape[..<axis].reduce(1, *), x.shape[axis...].reduce(1, *)])]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        [inputs[0].reshaped(try outputTypes([.constant(inputs[0])])[0].shape)]
    }
}
