/// Max or average pooling over a window; `global` pools the whole spatial
/// extent (GlobalAveragePool/GlobalMaxPool).
public struct Pooling: Operator {
    public enum Reduction: Sendable, Equatable {
        case max
        case average(countIncludePad: Bool)
    }

    public var reduction: Reduction
    /// Nil for global pooling.
    public var window: SpatialWindow?

    public init(reduction: Reduction, window: SpatialWindow?) {
        self.reduction = reduction
        self.window = window
    }

    public var kind: String {
        switch (reduction, window) {
        case (.max, nil): return "GlobalMaxPool"
        case (.average, nil): return "GlobalAveragePool"
        case (.max, _): return "MaxPool"
        case (.average, _): return "AveragePool"
        }
    }

    public func outputTypes(_ inputs: [ValueState]) throws -> [TensorType] {
        guard let x = inputs.first?.shape, x.count >= 3 else { throw OperatorError("expects an N×C×… input") }
        guard let window else { return [TensorType(.float32, Array(x.prefix(2)) + Array(repeating: 1, count: x.count - 2))] }
        let resolved = try window.resolve(input: Array(x.dropFirst(2)))
        return [TensorType(.float32, Array(x.prefix(2)) + resolved.output)]
    }

    /// The concrete window for an input shape (global pooling becomes a
    /// window covering the spatial extent).
    public func concreteWindow(inputShape: [Int]) -> SpatialWindow {
        if let window { return window }
        let spatial = Array(inputShape.dropFirst(2))
        return SpatialWindow(kernel: spatial, strides: nil, dilations: nil, padding: .valid)
    }
}
