/// Shape arithmetic shared by operators.
enum ShapeMath {
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
