import FoveaImage
import Foundation
import XCTest

/// The per-model preprocessing declaration as it appears in the serving config.
final class PreprocessSpecTests: XCTestCase {
    func testTorchvisionStyleDeclarationDecodes() throws {
        let spec = try decode("""
        {"resize": {"mode": "shorter_side", "size": 256}, "crop": [224, 224], "scale": "unit",
         "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "channel_order": "rgb", "layout": "nchw"}
        """)
        XCTAssertEqual(spec, .imageNet)
        XCTAssertEqual(spec.shape, [3, 224, 224])
        XCTAssertEqual(spec.elementCount, 150_528)
    }

    func testKerasStyleDeclarationDecodesWithDefaults() throws {
        let spec = try decode("""
        {"resize": {"mode": "exact", "size": [299, 320]}, "scale": "minus_one_to_one", "layout": "nhwc", "channel_order": "bgr"}
        """)
        XCTAssertEqual(spec.resize, .exact(height: 299, width: 320))
        XCTAssertNil(spec.crop)
        XCTAssertEqual(spec.scale, .minusOneToOne)
        XCTAssertEqual(spec.channelOrder, .bgr)
        XCTAssertEqual(spec.shape, [299, 320, 3])
        XCTAssertEqual(spec.mean, [0, 0, 0])
        XCTAssertEqual(spec.std, [1, 1, 1])
        XCTAssertEqual(spec.background, [255, 255, 255])
    }

    func testSingleIntegerSizesMeanSquare() throws {
        let spec = try decode(#"{"resize": {"mode": "exact", "size": 224}, "crop": 200}"#)
        XCTAssertEqual(spec.resize, .exact(height: 224, width: 224))
        XCTAssertEqual(spec.outputSize.height, 200)
        XCTAssertEqual(spec.outputSize.width, 200)
    }

    func testEncodingRoundTrips() throws {
        let encoded = try JSONEncoder().encode(PreprocessSpec.imageNet)
        XCTAssertEqual(try JSONDecoder().decode(PreprocessSpec.self, from: encoded), .imageNet)
    }

    func testShorterSideWithoutCropIsRejectedBecauseShapesWouldVary() {
        assertRejected(#"{"resize": {"mode": "shorter_side", "size": 256}}"#, mentioning: "add crop")
    }

    func testCropLargerThanResizeIsRejected() {
        assertRejected(#"{"resize": {"mode": "shorter_side", "size": 200}, "crop": [224, 224]}"#, mentioning: "larger than")
    }

    func testUnknownModeAndBadChannelCountsAreRejected() {
        assertRejected(#"{"resize": {"mode": "longer_side", "size": 256}, "crop": 224}"#, mentioning: "shorter_side or exact")
        assertRejected(#"{"resize": {"mode": "exact", "size": 224}, "mean": [0.5]}"#, mentioning: "3 values")
        assertRejected(#"{"resize": {"mode": "exact", "size": 224}, "std": [1, 0, 1]}"#, mentioning: "non-zero")
    }

    func testMisspeltKeysAreRejectedRatherThanIgnored() {
        assertRejected(#"{"resize": {"mode": "exact", "size": 160}, "scal": "minus_one_to_one"}"#, mentioning: "unknown key")
        assertRejected(#"{"resize": {"mode": "exact", "size": 160, "sise": 3}}"#, mentioning: "unknown key")
    }

    private func decode(_ json: String) throws -> PreprocessSpec {
        try JSONDecoder().decode(PreprocessSpec.self, from: Data(json.utf8))
    }

    private func assertRejected(_ json: String, mentioning text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(json), file: file, line: line) { error in
            XCTAssertTrue(String(describing: error).contains(text), "\(error)", file: file, line: line)
        }
    }
}
