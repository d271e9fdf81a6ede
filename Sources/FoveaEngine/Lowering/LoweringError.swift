/// A node that planning accepted but no kernel implements in this form.
public struct LoweringError: Error, CustomStringConvertible {
    public let node: String
    public let opType: String
    public let reason: String

    public var description: String { "node '\(node)' (\(opType)) cannot be executed: \(reason)" }
}
