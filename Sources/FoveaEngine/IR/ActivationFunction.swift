/// Pointwise functions the engine can apply standalone or fused into a
/// preceding kernel.
public enum ActivationFunction: Sendable, Equatable, CustomStringConvertible {
    case relu
    case leakyRelu(alpha: Float)
    case clip(min: Float, max: Float)
    case sigmoid
    case hardSigmoid(alpha: Float, beta: Float)
    case hardSwish
    case tanh
    /// x · sigmoid(x), also called SiLU.
    case swish

    public var description: String {
        switch self {
        case .relu: return "Relu"
        case .leakyRelu: return "LeakyRelu"
        case .clip: return "Clip"
        case .sigmoid: return "Sigmoid"
        case .hardSigmoid: return "HardSigmoid"
        case .hardSwish: return "HardSwish"
        case .tanh: return "Tanh"
        case .swish: return "SiLU"
        }
    }
}

/// An operation a kernel applies to its result before storing it.
public enum PostOp: Sendable, Equatable {
    case activation(ActivationFunction)
    /// Adds the extra "residual" input of the fused node (a `sum` post-op).
    case residualAdd
}
