/// Splits along `axis` into `outputCount` parts: given sizes (attribute, or
/// a constant second input from opset 13), else equal parts.
public struct Split: Operator {
    public var axis: Int
    public var sizes: [Int]?
    public var outputCount: Int

    public init(axis: Int, sizes: [Int]?, outputCount: Int) {
        self.axis = axis
        self.sizes = sizes
        self.outputCount = outputCount
    }

    public var kind: String { "Split" }

    /// Axis and part sizes for a concrete input.
    public func resolve(_ inputs: [ValueState]) throws -> (axis: Int, sizes: [Int]) {
        guard let x = inputs.first else { throw OperatorError("expects data") }
        let axis = try ShapeMath.normalize(axis: self.axis, rank: x.shape.count)
        var sizes = self.sizes
        if inputs.count > 1, !inputs[1].shape.isEmpty || inputs[1].constant != nil {
            guard let given = inputs[1].constant?.int64s else { throw OperatorError("split sizes must be known when planning") }
            sizes = try given.map { try ShapeMath.dimension($0, "split size") }
        }
        let extent = x.shape[axis]
        let parts = sizes ?? {
            let chunk = (extent + outputCount - 1) / outputCount
            return (0..<outputCount).map { min(chunk, max(0, extent - $0 * chunk)) }
        }()
        guard parts.count == outputCount, parts.allSatisfy({ $0 >= 0 && $0 <= ShapeMath.maxDimension }),
              parts.reduce(0, +) == extent else {
            throw OperatorError("split sizes \(parts) do not divide axis \(axis) of extent \(extent) into \(outputCount) parts")
        }
        return (axis, parts)
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        let (axis, sizes) = try resolve(inputs)
        return sizes.map { size in
            var shape = inputs[0].shape
            shape[axis] = size
            return TensorType(inputs[0].type.elementType, shape)
        }
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        let (axis, sizes) = try resolve(inputs.map { .constant($0) })
        var offset = 0
        return try sizes.map { size in
            var starts = Array(repeating: 0, count: inputs[0].shape.count)
            var ends = inputs[0].shape
            starts[axis] = offset
            ends[axis] = offset + size
            offset += size
            return try Slice.extract(inputs[0], region: SliceRegion(starts: starts, ends: ends, steps: starts.map { _ in 1 }))
        }
    }
}
