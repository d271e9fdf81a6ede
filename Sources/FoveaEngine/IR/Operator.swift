/// An operator of the IR. Operators are framework-neutral values: the ONNX
/// importer resolves attributes and opset differences, passes rewrite them and
/// the lowering turns them into kernels.
public protocol Operator: Sendable {
    /// The ONNX-style name shown in histograms and error messages.
    var kind: String { get }

    /// Output types for concrete input types. Operators whose output shape
    /// depends on input *values* (Reshape, Slice, ...) read them from
    /// `.constant` states and fail when they are only known at run time.
    func outputTypes(_ inputs: [ValueState]) throws -> [TensorType]

    /// Computes outputs on the host when every input is constant. Returns nil
    /// for operators that only run in the executor (convolutions and such).
    func evaluate(_ inputs: [Tensor]) throws -> [Tensor]?
}

extension Operator {
    public func evaluate(_ inputs: [Tensor]) throws -> [Tensor]? { nil }
}

/// A violated operator precondition; planning attaches the node name.
public struct OperatorError: Error, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
