/// Gathers slices along `axis` by (constant) indices.
public struct Gather: Operator {
    public var axis: Int

    public init(axis: Int) { self.axis = axis }

    public var kind: String { "Gather" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count == 2 else { throw OperatorError("expects data and indices") }
        let x = inputs[0].shape
        let axis = try ShapeMath.normalize(axis: self.axis, rank: x.count)
        return [TensorType(inputs[0].type.elementType, Array(x[..<axis]) + inputs[1].shape + Array(x[(axis + 1)...]))]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        let x = inputs[0]
        let axis = try ShapeMath.normalize(axis: self.axis, rank: x.shape.count)
        let extent = x.shape[axis]
        let indices = try inputs[1].int64s.map { index -> Int in
            let resolved = index < 0 ? Int(index) + extent : Int(index)
            guard resolved >= 0, resolved < extent else { throw OperatorError("index \(index) is out of range for extent \(extent)") }
            return resolved
        }
        let outer = x.shape[..<axis].reduce(1, *)
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        var sources: [Int] = []
        sources.reserveCapacity(outer * indices.count * inner)
        for o in 0..<outer {
            for index in indices {
                let base = (o * extent + index) * inner
                sources += base..<(base + inner)
            }
        }
        let shape = try outputTypes([.constant(inputs[0]), .constant(inputs[1])])[0].shape
        return [x.gathering(shape: shape, sourceIndices: sources)]
    }
}
