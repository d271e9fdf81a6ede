/// Everything the executor needs for one batch size: value types, kernels
/// in execution order, and the external interface.
public struct ExecutionProgram: Sendable {
    public var types: [String: TensorType]
    public var kernels: [Kernel]
    /// The graph node each kernel was lowered from, by kernel index (a
    /// node may lower to several kernels), for reports and warnings.
    public var nodeNames: [String]
    public var inputs: [(name: String, type: TensorType)]
    /// User-visible output name and the value holding it.
    public var outputs: [(name: String, value: String)]

    /// Indices of the kernels reading each value, in execution order.
    public func readers() -> [String: [Int]] {
        var readers: [String: [Int]] = [:]
        for (index, kernel) in kernels.enumerated() {
            for source in kernel.sources { readers[source, default: []].append(index) }
        }
        return readers
    }
}
