/// N-D convolution with groups; inputs `X, W[, B][, residual]`. Post-ops
/// are filled in by fusion passes; a `.residualAdd` post-op reads the input
/// after the bias slot.
public struct Convolution: Operator {
    public var window: SpatialWindow
    public var groups: Int
    public var postOps: [PostOp] = []

    public init(window: SpatialWindow, groups: Int) {
        self.window = window
        self.groups = groups
    }

    public var kind: String { "Conv" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count >= 2 else { throw OperatorError("expects input and weights") }
        let x = inputs[0].shape, w = inputs[1].shape
        guard x.count >= 3, w.count == x.count else {
            throw OperatorError("input \(x) and weights \(w) must have the same rank (at least 3)")
        }
        guard groups > 0, x[1] == w[1] * groups, w[0] % groups == 0 else {
            throw OperatorError("input channels \(x[1]) do not match weights \(w) with \(groups) group(s)")
        }
        guard Array(w.dropFirst(2)) == window.kernel else {
            throw OperatorError("kernel_shape \(window.kernel) does not match weights \(w)")
        }
        if inputs.count > 2, inputs[2].type.elementCount != w[0] {
            throw OperatorError("bias has \(inputs[2].type.elementCount) values for \(w[0]) output channels")
        }
        let resolved = try window.resolve(input: Array(x.dropFirst(2)))
        return [TensorType(.float32, [x[0], w[0]] + resolved.output)]
    }
}
