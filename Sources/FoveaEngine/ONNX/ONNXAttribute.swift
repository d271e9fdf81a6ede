/// One `AttributeProto` value. Sub-graph and sparse attributes are kept only
/// as a type tag: no supported operator uses them, and an operator that needs
/// one reports it by name.
public enum ONNXAttribute: Sendable {
    case float(Float)
    case int(Int64)
    case string(String)
    case tensor(ONNXTensor)
    case floats([Float])
    case ints([Int64])
    case strings([String])
    case unsupported(typeCode: Int)
}
