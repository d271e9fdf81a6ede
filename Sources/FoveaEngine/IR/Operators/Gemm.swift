/// Y = alpha·op(A)·op(B) + beta·C with optional transposes; post-ops come
/// from fusion passes.
public struct Gemm: Operator {
    public var alpha: Float
    public var beta: Float
    public var transposeA: Bool
    public var transposeB: Bool
    public var postOps: [PostOp] = []

    public init(alpha: Float, beta: Float, transposeA: Bool, transposeB: Bool) {
        self.alpha = alpha
        self.beta = beta
        self.transposeA = transposeA
        self.transposeB = transposeB
    }

    public var kind: String { "Gemm" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count >= 2 else { throw OperatorError("expects A and B") }
        let a = inputs[0].shape, b = inputs[1].shape
        guard a.count == 2, b.count == 2 else { throw OperatorError("A \(a) and B \(b) must be matrices") }
        let (m, k) = transposeA ? (a[1], a[0]) : (a[0], a[1])
        let (kB, n) = transposeB ? (b[1], b[0]) : (b[0], b[1])
        guard k == kB else { throw OperatorError("inner dimensions of A \(a) and B \(b) differ") }
        if inputs.count > 2 {
            _ = try ShapeMath.broadcast([m, n], inputs[2].shape)
        }
        return [TensorType(.float32, [m, n])]
    }
}
