/// Reshape to a shape given by a (plan-time constant) second input, with
/// ONNX's 0 = "copy this dimension" and -1 = "infer" conventions.
public struct Reshape: Operator {
    public var allowZero: Bool

    public init(allowZero: Bool) { self.allowZero = allowZero }

    public var kind: String { "Reshape" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count == 2 else { throw OperatorError("expects data and shape") }
        guard let requested = inputs[1].constant?.int64s else {
            throw OperatorError("the target shape is not known when planning (it depends on run-time data)")
        }
        let x = inputs[0].shape
        var shape = try requested.enumerated().map { index, value -> Int in
            if value == 0 && !allowZero {
                guard index < x.count else { throw OperatorError("0 at position \(index) has no input dimension to copy") }
                return x[index]
            }
            if value == -1 { return -1 }
            return try ShapeMath.dimension(value, "target dimension")
        }
        let total = try ShapeMath.elementCount(of: x)
        let inferred = shape.indices.filter { shape[$0] == -1 }
        guard inferred.count <= 1 else { throw OperatorError("more than one -1 in target shape \(requested)") }
        if let index = inferred.first {
            let known = try ShapeMath.elementCount(of: shape.enumerated().filter { $0.offset != index }.map(\.element))
            guard known > 0, total % known == 0 else {
                throw OperatorError("cannot reshape \(x) to \(requested)")
            }
            shape[index] = total / known
        }
        guard try ShapeMath.elementCount(of: shape) == total else {
            throw OperatorError("cannot reshape \(x) (\(total) elements) to \(requested)")
        }
        return [TensorType(inputs[0].type.elementType, shape)]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        [inputs[0].reshaped(try outputTypes(inputs.map { .constant($0) })[0].shape)]
    }
}
