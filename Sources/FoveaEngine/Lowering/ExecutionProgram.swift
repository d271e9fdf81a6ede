/// Everything the executor needs for one batch size: value types, kernels
/// in execution order, and the external interface.
public struct ExecutionProgram: Sendable {
    public var types: [String: TensorType]
    public var kernels: [Kernel]
    public var inputs: [(name: String, type: TensorType)]
    /// User-visible output name and the value holding it.
    public var outputs: [(name: String, value: String)]
}
