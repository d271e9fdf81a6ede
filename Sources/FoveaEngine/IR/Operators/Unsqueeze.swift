/// Inserts size-1 axes at the given output positions (axes become an input
/// in opset 13).
public struct Unsqueeze: Operator {
    public var axes: [Int]?

    public init(axes: [Int]?) { self.axes = axes }

    public var kind: String { "Unsqueeze" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects data") }
        var axes = self.axes
        if inputs.count > 1 {
            guard let given = inputs[1].constant?.int64s else { throw OperatorError("axes must be known when planning") }
            axes = given.map { Int($0) }
        }
        guard let axes else { throw OperatorError("axes are missing") }
        let rank = x.shape.count + axes.count
        let inserted = Set(try axes.map { try ShapeMath.normalize(axis: $0, rank: rank) })
        guard inserted.count == axes.count else { throw OperatorError("repeated axis in \(axes)") }
        var remaining = x.shape.makeIterator()
        let shape = (0..<rank).map { inserted.contains($0) ? 1 : remaining.next()! }
        return [TensorType(x.type.elementType, shape)]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        [inputs[0].reshaped(try outputTypes(inputs.map { .constant($0) })[0].shape)]
    }
}
