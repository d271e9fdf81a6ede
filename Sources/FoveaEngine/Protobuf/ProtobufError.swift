/// Violations of the protobuf wire format. Every message says where in the
/// input the problem was found, because a truncated or foreign file usually
/// shows up as one of these.
public enum ProtobufError: Error, CustomStringConvertible, Equatable {
    case truncated(offset: Int)
    case malformedVarint(offset: Int)
    case unsupportedWireType(Int, offset: Int)
    case invalidFieldNumber(offset: Int)
    case lengthOutOfBounds(length: UInt64, offset: Int)
    case unexpectedWireType(field: Int, expected: ProtobufWireType, found: ProtobufWireType)

    public var description: String {
        switch self {
        case .truncated(let offset):
            return "protobuf data ends unexpectedly at byte \(offset) (is the file truncated?)"
        case .malformedVarint(let offset):
            return "malformed varint at byte \(offset)"
        case .unsupportedWireType(let type, let offset):
            return "unsupported protobuf wire type \(type) at byte \(offset) (not a protobuf file?)"
        case .invalidFieldNumber(let offset):
            return "invalid protobuf field number at byte \(offset) (not a protobuf file?)"
        case .lengthOutOfBounds(let length, let offset):
            return "length-delimited field of \(length) bytes at byte \(offset) runs past the end of the data"
        case .unexpectedWireType(let field, let expected, let found):
            return "field \(field) has wire type \(found), expected \(expected)"
        }
    }
}
