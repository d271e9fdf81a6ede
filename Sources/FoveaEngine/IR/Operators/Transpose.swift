/// Permutes dimensions; without `permutation` reverses them.
public struct Transpose: Operator {
    public var permutation: [Int]?

    public init(permutation: [Int]?) { self.permutation = permutation }

    public var kind: String { "Transpose" }

    public func resolvedPermutation(rank: Int) throws -> [Int] {
        let permutation = self.permutation ?? Array((0..<rank).reversed())
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            throw OperatorError("perm \(permutation) is not a permutation of \(rank) axes")
        }
        return permutation
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects one input") }
        let permutation = try resolvedPermutation(rank: x.shape.count)
        return [TensorType(x.type.elementType, permutation.map { x.shape[$0] })]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        let x = inputs[0]
        let permutation = try resolvedPermutation(rank: x.shape.count)
        let strides = ShapeMath.strides(of: x.shape)
        let shape = permutation.map { x.shape[$0] }
        let indices = ShapeMath.mapIndices(shape: shape) { coordinates in
            coordinates.enumerated().reduce(0) { $0 + $1.element * strides[permutation[$1.offset]] }
        }
        return [x.gathering(shape: shape, sourceIndices: indices)]
    }
}
