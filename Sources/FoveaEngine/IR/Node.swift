/// One operator application in the IR graph. Values are referred to by name;
/// an empty input name is an omitted optional input.
public struct Node: Sendable {
    public var name: String
    public var op: any Operator
    public var inputs: [String]
    public var outputs: [String]

    public init(name: String, op: any Operator, inputs: [String], outputs: [String]) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
    }
}
