/// Softmax or LogSoftmax. Before opset 13 the input is viewed as 2-D
/// (`coercedTo2D`): everything from `axis` on forms one row.
public struct Softmax: Operator {
    public var axis: Int
    public var logarithmic: Bool
    public var coercedTo2D: Bool

    public init(axis: Int, logarithmic: Bool, coercedTo2D: Bool) {
        self.axis = axis
        self.logarithmic = logarithmic
        self.coercedTo2D = coercedTo2D
    }

    public var kind: String { logarithmic ? "LogSoftmax" : "Softmax" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects one input") }
        _ = try ShapeMath.normalize(axis: axis, rank: x.shape.count)
        return [TensorType(.float32, x.shape)]
    }
}
