/// Numpy-style matrix product with batch broadcasting.
public struct MatMul: Operator {
    public init() {}

    public var kind: String { "MatMul" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count == 2 else { throw OperatorError("expects two inputs") }
        let a = inputs[0].shape, b = inputs[1].shape
        guard a.count >= 2, b.count >= 2 else { throw OperatorError("1-D operands \(a), \(b) are not supported") }
        guard a[a.count - 1] == b[b.count - 2] else { throw OperatorError("inner dimensions of \(a) and \(b) differ") }
        let batch = try ShapeMath.broadcast(Array(a.dropLast(2)), Array(b.dropLast(2)))
        return [TensorType(.float32, batch + [a[a.count - 2], b[b.count - 1]])]
    }
}
