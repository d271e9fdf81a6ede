/// Shape arithmetic shared by operators.
///
/// Dimensions, pads and kernel sizes come from the model file, so a damaged
/// or hostile model can carry values whose sums or products overflow `Int`,
/// which traps. Every such value passes `dimension(_:_:)` before arithmetic
/// and every shape's size is taken with `elementCount(of:)`.
enum ShapeMath {
    /// Far above any real tensor dimension, far below where sums of a few
    /// of them could overflow.
    static let maxDimension = 1 << 31
    /// Far above what a CPU could hold (4 TiB of floats), far below overflow.
    static let maxElements = 1 << 40

    /// `value` as a dimension-like quantity (a size, pad, stride or kernel
    /// extent), refused when negative or absurdly large.
    static func dimension<Value: BinaryInteger>(_ value: Value, _ what: String) throws -> Int {
        guard value >= 0, value <= maxDimension else {
            throw OperatorError("\(what) \(value) is out of range (0...\(maxDimension))")
        }
        return Int(value)
    }

    /// The number of elements of `shape`, refused when a dimension is out of
    /// `dimension(_:_:)`'s range or the product exceeds `maxElements`.
    static func elementCount(of shape: [Int]) throws -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0, dimension <= maxDimension else {
                throw OperatorError("dimension \(dimension) of shape \(shape) is out of range (0...\(maxDimension))")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maxElements else {
                throw OperatorError("shape \(shape) has more than \(maxElements) elements")
            }
            count = product
        }
        return count
    }

    /// Maps a possibly negative axis into 0..<rank.
    static func normalize(axis: Int, rank: Int) throws -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else {
            throw OperatorError("axis \(axis) is out of range for rank \(rank)")
        }
        return normalized
    }

    /// Numpy-style broadcasting of two shapes.
    static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        let paddedA = Array(repeating: 1, count: rank - a.count) + a
        let paddedB = Array(repeating: 1, count: rank - b.count) + b
        return try zip(paddedA, paddedB).map { x, y in
            if x == y || y == 1 { return x }
            if x == 1 { return y }
            throw OperatorError("shapes \(a) and \(b) cannot be broadcast together")
        }
    }

    /// Row-major strides of `shape`.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Flat index in a tensor of `shape` broadcast to `target`, for each
    /// element of `target` in row-major order.
    static func broadcastIndices(from shape: [Int], to target: [Int]) -> [Int] {
        let padded = Array(repeating: 1, count: target.count - shape.count) + shape
        let sourceStrides = strides(of: padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
        return mapIndices(shape: target) { coordinates in
            zip(coordinates, sourceStrides).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// Calls `body` with the coordinates of every element of `shape` in
    /// row-major order and collects the results.
    static func mapIndices(shape: [Int], _ body: ([Int]) -> Int) -> [Int] {
        let count = shape.reduce(1, *)
        guard count > 0 else { return [] }
        var result: [Int] = []
        result.reserveCapacity(count)
        var coordinates = Array(repeating: 0, count: shape.count)
        for _ in 0..<count {
            result.append(body(coordinates))
            var axis = shape.count - 1
            while axis >= 0 {
                coordinates[axis] += 1
                if coordinates[axis] < shape[axis] { break }
                coordinates[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
