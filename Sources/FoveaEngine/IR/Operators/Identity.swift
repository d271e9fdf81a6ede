/// Passes its input through (Identity, inference-mode Dropout); removed by
/// `NoOpElimination` before planning.
public struct Identity: Operator {
    public var sourceKind: String

    public init(sourceKind: String) { self.sourceKind = sourceKind }

    public var kind: String { sourceKind }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first else { throw OperatorError("expects one input") }
        return [x.type]
    }

    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? { [inputs[0]] }
}
