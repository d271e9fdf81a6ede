/// A `NodeProto`: one operator application. Empty input names denote omitted
/// optional inputs, as in the ONNX specification.
public struct ONNXNode: Sendable {
    public var name: String
    public var opType: String
    public var domain: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: ONNXAttribute]

    /// A name for messages: the node name if it has one, else its first output.
    public var displayName: String {
        if !name.isEmpty { return name }
        return outputs.first.map { "<producing \($0)>" } ?? "<unnamed \(opType)>"
    }
}
