/// Cross-channel local response normalization (AlexNet, GoogLeNet).
public struct LocalResponseNormalization: Operator {
    public var size: Int
    public var alpha: Float
    public var beta: Float
    public var bias: Float

    public init(size: Int, alpha: Float, beta: Float, bias: Float) {
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.bias = bias
    }

    public var kind: String { "LRN" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first, x.shape.count >= 3 else { throw OperatorError("expects an N×C×… input") }
        guard size > 0 else { throw OperatorError("size must be positive") }
        return [TensorType(.float32, x.shape)]
    }
}
