/// What planning knows about a value: either its contents (weights, folded
/// shape computations) or only its type, in which case it is computed by the
/// executor at run time.
public enum ValueState: Sendable {
    case constant(Tensor)
    case runtime(TensorType)

    public var type: TensorType {
        switch self {
        case .constant(let tensor): return tensor.type
        case .runtime(let type): return type
        }
    }

    public var shape: [Int] { type.shape }

    public var constant: Tensor? {
        if case .constant(let tensor) = self { return tensor }
        return nil
    }
}
