/// Per-axis start/end/step of a slice, normalized to the input shape.
public struct SliceRegion: Sendable, Equatable {
    public var starts: [Int]
    public var ends: [Int]
    public var steps: [Int]

    public var shape: [Int] {
        zip(zip(starts, ends), steps).map { range, step in
            step > 0 ? max(0, (range.1 - range.0 + step - 1) / step) : max(0, (range.0 - range.1 - step - 1) / -step)
        }
    }
}

/// Slice; before opset 10 starts/ends/axes are attributes, afterwards
/// (constant) inputs with optional axes and steps.
public struct Slice: Operator {
    public var starts: [Int]?
    public var ends: [Int]?
    public var axes: [Int]?

    public init(starts: [Int]?, ends: [Int]?, axes: [Int]?) {
        self.starts = starts
        self.ends = ends
        self.axes = axes
    }

    public var kind: String { "Slice" }

    public func region(_ inputs: [ValueState]) throws -> SliceRegion {
        guard let x = inputs.first?.shape else { throw OperatorError("expects data") }
        func constantInput(_ index: Int) throws -> [Int]? {
            guard index < inputs.count else { return nil }
            guard let value = inputs[index].constant else { throw OperatorError("input \(index) must be known when planning") }
            return value.int64s.map { Int(clamping: $0) }
        }
        let starts = try constantInput(1) ?? self.starts
        let ends = try constantInput(2) ?? self.ends
        guard let starts, let ends, starts.count == ends.count else { throw OperatorError("starts and ends are missing or differ in length") }
        let axes = try constantInput(3) ?? self.axes ?? Array(0..<starts.count)
        let steps = try constantInput(4) ?? Array(repeating: 1, count: starts.count)
        guard axes.count == starts.count, steps.count == starts.count else { throw OperatorError("axes/steps do not match starts") }
        var region = SliceRegion(starts: Array(repeating: 0, count: x.count), ends: x, steps: Array(repeating: 1, count: x.count))
        for (index, axis) in axes.enumerated() {
            let axis = try ShapeMath.normalize(axis: axis, rank: x.count)
            let extent = x[axis], step = steps[index]
            guard step != 0 else { throw OperatorError("step 0 on axis \(axis)") }
            func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int { Swift.min(Swift.max(value, low), high) }
            var start = starts[index] < 0 ? starts[index] + extent : starts[index]
            var end = ends[index] < 0 ? ends[index] + extent : ends[index]
            if step > 0 {
                start = clamp(start, 0, extent)
                end = clamp(end, 0, extent)
            } else {
                start = clamp(start, 0, extent - 1)
                end = clamp(end, -1, extent - 1)
            }
            region.starts[axis] = start
            region.ends[axis] = end
            region.steps[axis] = step
        }
        return region
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        [TensorType(inputs[0].type.elementType, try region(inputs).shape)]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        [try Slice.extract(inputs[0], region: region(inputs.map { .constant($0) }))]
    }

    static func extract(_ tensor: Tensor, region: SliceRegion) throws -> Tensor {
        let strides = ShapeMath.strides(of: tensor.shape)
        let indices = ShapeMath.mapIndices(shape: region.shape) { coordinates in
            coordinates.enumerated().reduce(0) { $0 + (region.starts[$1.offset] + $1.element * region.steps[$1.offset]) * strides[$1.offset] }
        }
        return tensor.gathering(shape: region.shape, sourceIndices: indices)
    }
}
