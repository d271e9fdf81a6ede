/// Concatenation along one axis.
public struct Concat: Operator {
    public var axis: Int

    public init(axis: Int) { self.axis = axis }

    public var kind: String { "Concat" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let first = inputs.first else { throw OperatorError("expects at least one input") }
        let axis = try ShapeMath.normalize(axis: self.axis, rank: first.shape.count)
        var shape = first.shape
        shape[axis] = 0
        for input in inputs {
            var other = input.shape
            guard other.count == shape.count, input.type.elementType == first.type.elementType else {
                throw OperatorError("inputs \(first.type) and \(input.type) cannot be concatenated")
            }
            shape[axis] += other[axis]
            other[axis] = shape[axis]
            guard other == shape else { throw OperatorError("inputs \(first.shape) and \(input.shape) differ outside axis \(axis)") }
        }
        return [TensorType(first.type.elementType, shape)]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        let type = try outputTypes(inputs.map { .constant($0) })[0]
        let axis = try ShapeMath.normalize(axis: self.axis, rank: type.rank)
        let outer = type.shape[..<axis].reduce(1, *)
        let inner = type.shape[(axis + 1)...].reduce(1, *)
        switch inputs[0].storage {
        case .int64:
            var values: [Int64] = []
            for o in 0..<outer {
                for input in inputs {
                    let chunk = input.shape[axis] * inner
                    values += input.int64s[(o * chunk)..<((o + 1) * chunk)]
                }
            }
            return [Tensor(shape: type.shape, int64s: values)]
        case .float32:
            var values: [Float] = []
            for o in 0..<outer {
                for input in inputs {
                    let chunk = input.shape[axis] * inner
                    values += input.floats[(o * chunk)..<((o + 1) * chunk)]
                }
            }
            return [Tensor(shape: type.shape, floats: values)]
        }
    }
}
