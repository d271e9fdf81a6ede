/// Leaky ReLU with a learned slope tensor. Slopes broadcast numpy-style;
/// a 1-D slope with one value per channel that does not broadcast that way
/// is applied per channel, as older exporters intended.
public struct PRelu: Operator {
    public init() {}

    public var kind: String { "PRelu" }

    /// The slope's shape at the input's rank.
    public static func effectiveSlopeShape(input: [Int], slope: [Int]) throws -> [Int] {
        if let shape = try? ShapeMath.broadcast(input, slope), shape == input {
            return Array(repeating: 1, count: input.count - slope.count) + slope
        }
        if slope.count == 1, input.count >= 2, slope[0] == input[1] {
            return [1, input[1]] + Array(repeating: 1, count: input.count - 2)
        }
        throw OperatorError("slope \(slope) does not broadcast to input \(input)")
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard inputs.count == 2 else { throw OperatorError("expects X and slope") }
        _ = try Self.effectiveSlopeShape(input: inputs[0].shape, slope: inputs[1].shape)
        return [TensorType(.float32, inputs[0].shape)]
    }
}
