/// Constant-mode padding. Pads are `[begin_0, …, begin_n, end_0, …, end_n]`;
/// from opset 11 pads and value are inputs that must be plan-time constants.
public struct Pad: Operator {
    public var pads: [Int]?
    public var value: Float

    public init(pads: [Int]?, value: Float) {
        self.pads = pads
        self.value = value
    }

    public var kind: String { "Pad" }

    /// Begin/end padding per axis and the fill value for a concrete input.
    public func resolve(_ inputs: [ValueState]) throws -> (begin: [Int], end: [Int], value: Float) {
        guard let x = inputs.first?.shape else { throw OperatorError("expects data") }
        var pads = self.pads
        var value = self.value
        if inputs.count > 1, !(inputs[1].constant.map { $0.elementCount == 0 } ?? false) {
            guard let given = inputs[1].constant?.int64s else { throw OperatorError("pads must be known when planning") }
            pads = try given.map { try ShapeMath.dimension($0, "pad") }
        }
        if inputs.count > 2 {
            guard let given = inputs[2].constant?.floats else { throw OperatorError("the pad value must be known when planning") }
            value = given.first ?? 0
        }
        guard let pads, pads.count == 2 * x.count else { throw OperatorError("pads must have \(2 * x.count) values") }
        guard pads.allSatisfy({ $0 >= 0 }) else { throw OperatorError("negative pads \(pads) are not supported") }
        _ = try pads.map { try ShapeMath.dimension($0, "pad") }
        return (Array(pads[..<x.count]), Array(pads[x.count...]), value)
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        let (begin, end, _) = try resolve(inputs)
        return [TensorType(inputs[0].type.elementType, inputs[0].shape.indices.map { inputs[0].shape[$0] + begin[$0] + end[$0] })]
    }
}
