import FoveaImage
import Foundation
import XCTest

/// Bad uploads must come back as the specific error a client can act on,
/// never as a crash, a hang or a gray-padded image.
final class DecodingErrorTests: XCTestCase {
    private let preprocessor = ImagePreprocessor(spec: .imageNet)

    func testEmptyBodyIsReportedAsEmpty() {
        assertError([], .empty)
    }

    func testTextIsNotAnImage() {
        assertError(Array("{\"image\": \"aGVsbG8=\"}".utf8), .unsupportedFormat(recognized: nil))
    }

    func testKnownOtherFormatsAreNamed() {
        assertError(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 20), .unsupportedFormat(recognized: "GIF"))
        assertError(Array("RIFF\0\0\0\0WEBPVP8 ".utf8), .unsupportedFormat(recognized: "WebP"))
    }

    func testTruncatedJPEGIsReportedAsTruncated() throws {
        let jpeg = try baselineJPEG()
        for fraction in [0.2, 0.5, 0.9] {
            let cut = Array(jpeg.prefix(Int(Double(jpeg.count) * fraction)))
            assertError(cut, matches: { if case .truncated(.jpeg, _) = $0 { true } else { false } }, "cut at \(fraction)")
        }
    }

    func testTruncatedPNGIsReportedAsTruncated() throws {
        let png = try Array(ReferenceCorpus.load().data("png_rgb8.png"))
        for length in [20, 40, png.count / 2, png.count - 13] {
            assertError(Array(png.prefix(length)), matches: { if case .truncated(.png, _) = $0 { true } else { false } },
                        "cut at \(length) bytes")
        }
    }

    func testCorruptJPEGIsReportedAsCorrupt() throws {
        var jpeg = try baselineJPEG()
        // Overwrite everything after the SOI marker with a non-marker byte pattern.
        for index in 3..<min(jpeg.count, 600) { jpeg[index] = UInt8(truncatingIfNeeded: index * 7) }
        assertError(jpeg, matches: { if case .corrupt(.jpeg, _) = $0 { true } else { false } })
    }

    func testPNGWithBadChecksumIsReportedAsCorrupt() throws {
        var png = try Array(ReferenceCorpus.load().data("png_rgb8.png"))
        png[23] ^= 0x01 // lowest byte of the IHDR height: plausible size, CRC no longer matches
        assertError(png, matches: { if case .corrupt(.png, _) = $0 { true } else { false } })
    }

    func testZeroWidthPNGIsRejected() {
        assertError(pngHeader(width: 0, height: 10), matches: { if case .corrupt(.png, _) = $0 { true } else { false } })
    }

    func testAbsurdPNGDimensionsAreRejectedFromTheHeader() {
        assertError(pngHeader(width: 100_000, height: 1), .invalidDimensions(width: 100_000, height: 1, maxDimension: 65_535))
    }

    func testPixelBombPNGIsRejectedBeforeDecoding() {
        // 20000×20000 = 400 MP; only the header exists, so any attempt to
        // decode pixels would fail differently.
        assertError(pngHeader(width: 20_000, height: 20_000),
                    .tooManyPixels(width: 20_000, height: 20_000, maxPixels: 40_000_000))
    }

    func testPixelBombJPEGIsRejectedBeforeDecoding() throws {
        var jpeg = try baselineJPEG()
        // Rewrite the SOF0 frame size (height, width) to 30000×30000.
        let sof = try XCTUnwrap((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange(sof + 5..<sof + 9, with: [0x75, 0x30, 0x75, 0x30])
        assertError(jpeg, .tooManyPixels(width: 30_000, height: 30_000, maxPixels: 40_000_000))
    }

    func testPixelLimitIsConfigurable() throws {
        let strict = ImagePreprocessor(spec: .imageNet, limits: ImageDecodingLimits(maxPixels: 100_000))
        var slot = [Float](repeating: 0, count: PreprocessSpec.imageNet.elementCount)
        XCTAssertThrowsError(try slot.withUnsafeMutableBufferPointer { try strict.process(try baselineJPEG(), into: $0) }) {
            XCTAssertEqual($0 as? ImageDecodingError, .tooManyPixels(width: 640, height: 480, maxPixels: 100_000))
        }
    }

    func testWrongSlotSizeIsAProgrammingError() throws {
        var slot = [Float](repeating: 0, count: 10)
        XCTAssertThrowsError(try slot.withUnsafeMutableBufferPointer { try preprocessor.process(try baselineJPEG(), into: $0) }) {
            XCTAssertEqual($0 as? PreprocessingError, .slotSizeMismatch(expected: 150_528, actual: 10))
        }
    }

    func testErrorMessagesTellTheClientWhatToDo() {
        XCTAssertTrue(ImageDecodingError.empty.description.contains("request body"))
        XCTAssertTrue(ImageDecodingError.unsupportedFormat(recognized: "GIF").description.contains("convert"))
        XCTAssertTrue(ImageDecodingError.tooManyPixels(width: 9000, height: 9000, maxPixels: 40_000_000)
            .description.contains("81000000 pixels exceeds the limit of 40000000"))
    }

    // MARK: Helpers

    private func baselineJPEG() throws -> [UInt8] {
        try Array(ReferenceCorpus.load().data("jpeg_baseline_444.jpg"))
    }

    private func assertError(_ bytes: [UInt8], _ expected: ImageDecodingError, file: StaticString = #filePath, line: UInt = #line) {
        assertError(bytes, matches: { $0 == expected }, "expected \(expected)", file: file, line: line)
    }

    private func assertError(_ bytes: [UInt8], matches: (ImageDecodingError) -> Bool, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        var slot = [Float](repeating: 0, count: PreprocessSpec.imageNet.elementCount)
        do {
            _ = try slot.withUnsafeMutableBufferPointer { try preprocessor.process(bytes, into: $0) }
            XCTFail("decoding succeeded; \(message)", file: file, line: line)
        } catch let error as ImageDecodingError {
            XCTAssertTrue(matches(error), "got \(error); \(message)", file: file, line: line)
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
    }

    /// Signature + IHDR (with a valid CRC) and nothing else.
    private func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        let body = Array("IHDR".utf8) + bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian(13) + body + bigEndian(crc32(body))
    }

    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
