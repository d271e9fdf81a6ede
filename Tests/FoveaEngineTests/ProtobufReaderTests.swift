@testable import FoveaEngine
import XCTest

/// The wire decoder reads every encoding protobuf allows and reports
/// malformed input as errors.
final class ProtobufReaderTests: XCTestCase {
    private func fields(_ bytes: [UInt8]) throws -> [ProtobufReader.Field] {
        var reader = ProtobufReader(ByteSlice(storage: ByteStorage(copying: bytes)))
        var result: [ProtobufReader.Field] = []
        while let field = try reader.nextField() { result.append(field) }
        return result
    }

    func testMultiByteVarintAndNegativeInt64() throws {
        var writer = ProtobufWriter()
        writer.writeVarint(field: 1, 300)
        writer.writeInt64(field: 2, -7)
        let decoded = try fields(writer.bytes)
        XCTAssertEqual(decoded.map(\.number), [1, 2])
        XCTAssertEqual(decoded[0].bits, 300)
        XCTAssertEqual(decoded[1].int64, -7)
    }

    func testPackedAndUnpackedRepeatedIntegersDecodeAlike() throws {
        var packed = ProtobufWriter()
        packed.writePackedInt64s(field: 1, [1, -2, 150])
        var unpacked = ProtobufWriter()
        for value: Int64 in [1, -2, 150] { unpacked.writeInt64(field: 1, value) }
        for bytes in [packed.bytes, unpacked.bytes] {
            var values: [Int64] = []
            for field in try fields(bytes) { try field.appendInt64s(to: &values) }
            XCTAssertEqual(values, [1, -2, 150])
        }
    }

    func testFixed32FloatsAndStrings() throws {
        let bytes: [UInt8] = [0x15] + withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init) + [0x1A, 0x02, 0x68, 0x69]
        let decoded = try fields(bytes)
        XCTAssertEqual(decoded[0].float, 1.5)
        XCTAssertEqual(decoded[1].string, "hi")
    }

    func testTruncatedLengthDelimitedFieldIsAnError() {
        XCTAssertThrowsError(try fields([0x0A, 0x05, 0x61])) { error in
            XCTAssertEqual(error as? ProtobufError, .lengthOutOfBounds(length: 5, offset: 1))
        }
    }

    func testUnterminatedVarintIsAnError() {
        XCTAssertThrowsError(try fields([0x08, 0xFF, 0xFF])) { error in
            XCTAssertEqual(error as? ProtobufError, .truncated(offset: 3))
        }
    }

    func testGroupWireTypesAreRejected() {
        XCTAssertThrowsError(try fields([0x0B])) { error in
            XCTAssertEqual(error as? ProtobufError, .unsupportedWireType(3, offset: 0))
        }
    }

    func testTensorRoundTripsThroughEncoderAndDecoder() throws {
        let tensor = Tensor(shape: [2, 2], floats: [1, -2, 3.5, 0])
        let decoded = try ONNXDecoder.tensor(from: ByteSlice(storage: ByteStorage(copying: ONNXTensorEncoder.encode(tensor, name: "t"))))
        XCTAssertEqual(decoded.name, "t")
        XCTAssertEqual(try Tensor(onnx: decoded).floats, [1, -2, 3.5, 0])
        XCTAssertEqual(decoded.dims, [2, 2])
    }

    func testTensorWhoseShapeOverflowsIsRejectedNotTrapped() {
        func varint(_ value: UInt64) -> [UInt8] {
            var value = value, bytes: [UInt8] = []
            repeat {
                bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
                value >>= 7
            } while value > 0
            return bytes
        }
        // TensorProto: dims (field 1) 2^31 three times, data_type (field 2) FLOAT, name (field 8) "t".
        let dims = (0..<3).flatMap { _ in [0x08] + varint(1 << 31) }
        let bytes = dims + [0x10, 0x01, 0x42, 0x01, 0x74]
        XCTAssertThrowsError(try ONNXDecoder.tensor(from: ByteSlice(storage: ByteStorage(copying: bytes)))) { error in
            XCTAssertTrue("\(error)".contains("2^40"), "\(error)")
        }
    }
}
