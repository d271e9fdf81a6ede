/// Appends protobuf fields to a byte array. Only what writing ONNX
/// `TensorProto` files needs: varints, packed varints, strings/bytes and
/// nested messages.
public struct ProtobufWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func writeVarint(field: Int, _ value: UInt64) {
        writeKey(field: field, wireType: .varint)
        appendVarint(value)
    }

    public mutating func writeInt64(field: Int, _ value: Int64) {
        writeVarint(field: field, UInt64(bitPattern: value))
    }

    public mutating func writePackedInt64s(field: Int, _ values: [Int64]) {
        var packed = ProtobufWriter()
        for value in values { packed.appendVarint(UInt64(bitPattern: value)) }
        writeBytes(field: field, packed.bytes)
    }

    public mutating func writeString(field: Int, _ value: String) {
        writeBytes(field: field, Array(value.utf8))
    }

    public mutating func writeBytes<C: Collection>(field: Int, _ value: C) where C.Element == UInt8 {
        writeKey(field: field, wireType: .lengthDelimited)
        appendVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    private mutating func writeKey(field: Int, wireType: ProtobufWireType) {
        appendVarint(UInt64(field << 3 | wireType.rawValue))
    }

    private mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }
}
