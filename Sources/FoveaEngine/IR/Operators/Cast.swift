/// Element type conversion; only between the engine's two element types.
public struct Cast: Operator {
    public var target: ElementType

    public init(target: ElementType) { self.target = target }

    public var kind: String { "Cast" }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects one input") }
        return [TensorType(target, x.shape)]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? {
        let x = inputs[0]
        switch target {
        case .float32: return [Tensor(shape: x.shape, floats: x.floats)]
        case .int64: return [Tensor(shape: x.shape, int64s: x.int64s)]
        }
    }
}
