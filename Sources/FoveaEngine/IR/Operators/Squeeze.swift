/// Removes size-1 axes: the listed ones, or all of them. From opset 13 the
/// axes come as a second input, which must be a plan-time constant.
public struct Squeeze: Operator {
    public var axes: [Int]?

    public init(axes: [Int]?) { self.axes = axes }

    public var kind: String { "Squeeze" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects data") }
        var axes = self.axes
        if inputs.count > 1 {
            guard let given = inputs[1].constant?.int64s else { throw OperatorError("axes must be known when planning") }
            axes = given.map { Int($0) }
        }
        let shape: [Int]
        if let axes {
            let removed = Set(try axes.map { try ShapeMath.normalize(axis: $0, rank: x.shape.count) })
            for axis in removed where x.shape[axis] != 1 {
                throw OperatorError("cannot squeeze axis \(axis) of size \(x.shape[axis])")
            }
            shape = x.shape.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        } else {
            shape = x.shape.filter { $0 != 1 }
        }
        return [TensorType(x.type.elementType, shape)]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        [inputs[0].reshaped(try outputTypes(inputs.map { .constant($0) })[0].shape)]
    }
}
