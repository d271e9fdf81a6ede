/// The shape of its input as an int64 vector. Always a plan-time constant,
/// which is what lets shape sub-graphs fold away for a concrete batch size.
public struct Shape: Operator {
    public var start: Int
    public var end: Int?

    public init(start: Int, end: Int?) {
        self.start = start
        self.end = end
    }

    public var kind: String { "Shape" }

    public func value(of input: ValueState) -> Tensor {
        let shape = input.shape
        func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + shape.count : index, 0), shape.count) }
        let lower = clamp(start), upper = max(lower, clamp(end ?? shape.count))
        return Tensor(shape: [upper - lower], int64s: shape[lower..<upper].map { Int64($0) })
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let input = inputs.first else { throw OperatorError("expects one input") }
        return [value(of: input).type]
    }
}
