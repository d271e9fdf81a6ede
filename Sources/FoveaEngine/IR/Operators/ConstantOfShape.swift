/// A tensor of the shape given by its (constant) input, filled with `value`.
public struct ConstantOfShape: Operator {
    public var value: Tensor

    public init(value: Tensor) { self.value = value }

    public var kind: String { "ConstantOfShape" }

    private func shape(_ input: ValueState) throws -> [Int] {
        guard let dims = input.constant?.int64s else { throw OperatorError("the shape must be known when planning") }
        let shape = try dims.map { try ShapeMath.dimension($0, "dimension") }
        _ = try ShapeMath.elementCount(of: shape)
        return shape
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let input = inputs.first else { throw OperatorError("expects a shape") }
        return [TensorType(value.elementType, try shape(input))]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        let shape = try self.shape(.constant(inputs[0]))
        let count = try ShapeMath.elementCount(of: shape)
        switch value.storage {
        case .int64(let values): return [Tensor(shape: shape, int64s: Array(repeating: values.first ?? 0, count: count))]
        case .float32: return [Tensor(shape: shape, floats: Array(repeating: value.floats.first ?? 0, count: count))]
        }
    }
}
