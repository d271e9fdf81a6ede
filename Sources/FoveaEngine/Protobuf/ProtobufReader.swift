/// Streams the fields of one protobuf message.
///
/// The reader is deliberately schema-free: message decoders in the ONNX layer
/// loop over `nextField()` and interpret field numbers they know, skipping the
/// rest, which is what makes newer ONNX files with extra fields load fine.
/// Every read is bounds-checked, so corrupt input becomes a `ProtobufError`.
public struct ProtobufReader {
    public let data: ByteSlice
    private var offset: Int

    public init(_ data: ByteSlice) {
        self.data = data
        self.offset = data.range.lowerBound
    }

    /// One field header plus a handle to its payload.
    public struct Field {
        public let number: Int
        public let wireType: ProtobufWireType
        /// Varint or fixed payloads as raw bits; for length-delimited fields, zero.
        public let bits: UInt64
        /// Payload of a length-delimited field; empty for scalar fields.
        public let bytes: ByteSlice
    }

    public var isAtEnd: Bool { offset >= data.range.upperBound }

    /// Position relative to the start of the message, for error messages.
    private var position: Int { offset }

    public mutating func nextField() throws -> Field? {
        if isAtEnd { return nil }
        let start = offset
        let key = try readVarint()
        let number = key >> 3
        guard number > 0, number <= (1 << 29) - 1 else { throw ProtobufError.invalidFieldNumber(offset: start) }
        guard let wireType = ProtobufWireType(rawValue: Int(key & 7)) else {
            throw ProtobufError.unsupportedWireType(Int(key & 7), offset: start)
        }
        let empty = ByteSlice(storage: data.storage, range: offset..<offset)
        switch wireType {
        case .varint:
            return Field(number: Int(number), wireType: wireType, bits: try readVarint(), bytes: empty)
        case .fixed64:
            return Field(number: Int(number), wireType: wireType, bits: try readFixed(UInt64.self), bytes: empty)
        case .fixed32:
            return Field(number: Int(number), wireType: wireType, bits: UInt64(try readFixed(UInt32.self)), bytes: empty)
        case .lengthDelimited:
            let lengthOffset = offset
            let length = try readVarint()
            guard length <= UInt64(data.range.upperBound - offset) else {
                throw ProtobufError.lengthOutOfBounds(length: length, offset: lengthOffset)
            }
            let payload = ByteSlice(storage: data.storage, range: offset..<(offset + Int(length)))
            offset += Int(length)
            return Field(number: Int(number), wireType: wireType, bits: 0, bytes: payload)
        }
    }

    private mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < data.range.upperBound else { throw ProtobufError.truncated(offset: offset) }
            let byte = data.storage.byte(at: offset)
            offset += 1
            guard shift < 64 else { throw ProtobufError.malformedVarint(offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readFixed<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard data.range.upperBound - offset >= size else { throw ProtobufError.truncated(offset: offset) }
        let value = data.storage.loadLittleEndian(T.self, at: offset)
        offset += size
        return value
    }
}

extension ProtobufReader.Field {
    /// Interprets a varint as a signed 64-bit integer (two's complement, as
    /// protobuf encodes `int64` and negative `int32`).
    public var int64: Int64 { Int64(bitPattern: bits) }

    public var float: Float { Float(bitPattern: UInt32(truncatingIfNeeded: bits)) }

    public var double: Double { Double(bitPattern: bits) }

    public var string: String { bytes.string }

    public func requireWireType(_ expected: ProtobufWireType) throws {
        guard wireType == expected else {
            throw ProtobufError.unexpectedWireType(field: number, expected: expected, found: wireType)
        }
    }

    /// Repeated `int64`/`int32` fields may be packed (one length-delimited
    /// blob) or not (one varint per element); both are valid encodings.
    public func appendInt64s(to values: inout [Int64]) throws {
        switch wireType {
        case .varint:
            values.append(int64)
        case .lengthDelimited:
            var reader = ProtobufReader(bytes)
            while !reader.isAtEnd { values.append(Int64(bitPattern: try reader.readVarint())) }
        default:
            throw ProtobufError.unexpectedWireType(field: number, expected: .varint, found: wireType)
        }
    }

    /// Packed or unpacked repeated `float`.
    public func appendFloats(to values: inout [Float]) throws {
        switch wireType {
        case .fixed32:
            values.append(float)
        case .lengthDelimited:
            guard bytes.count % 4 == 0 else { throw ProtobufError.truncated(offset: bytes.range.upperBound) }
            values.reserveCapacity(values.count + bytes.count / 4)
            var position = bytes.range.lowerBound
            while position < bytes.range.upperBound {
                values.append(Float(bitPattern: bytes.storage.loadLittleEndian(UInt32.self, at: position)))
                position += 4
            }
        default:
            throw ProtobufError.unexpectedWireType(field: number, expected: .fixed32, found: wireType)
        }
    }

    /// Packed or unpacked repeated `double`.
    public func appendDoubles(to values: inout [Double]) throws {
        switch wireType {
        case .fixed64:
            values.append(double)
        case .lengthDelimited:
            guard bytes.count % 8 == 0 else { throw ProtobufError.truncated(offset: bytes.range.upperBound) }
            var position = bytes.range.lowerBound
            while position < bytes.range.upperBound {
                values.append(Double(bitPattern: bytes.storage.loadLittleEndian(UInt64.self, at: position)))
                position += 8
            }
        default:
            throw ProtobufError.unexpectedWireType(field: number, expected: .fixed64, found: wireType)
        }
    }
}
