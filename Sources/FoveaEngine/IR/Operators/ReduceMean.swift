/// Mean over axes (used by some exports instead of GlobalAveragePool).
public struct ReduceMean: Operator {
    /// Nil reduces over all axes.
    public var axes: [Int]?
    public var keepDims: Bool

    public init(axes: [Int]?, keepDims: Bool) {
        self.axes = axes
        self.keepDims = keepDims
    }

    public var kind: String { "ReduceMean" }

    public func reducedAxes(rank: Int) throws -> Set<Int> {
        guard let axes else { return Set(0..<rank) }
        return Set(try axes.map { try ShapeMath.normalize(axis: $0, rank: rank) })
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first?.shape else { throw OperatorError("expects one input") }
        let reduced = try reducedAxes(rank: x.count)
        let shape = x.enumerated().compactMap { axis, extent -> Int? in
            reduced.contains(axis) ? (keepDims ? 1 : nil) : extent
        }
        return [TensorType(.float32, shape)]
    }
}
