import FoveaImage
import Foundation
import XCTest

/// The preprocessed tensor must match torchvision-on-Pillow within
/// 2/255 (max) and 0.5/255 (mean) in 0–255 units, for every format variant.
final class PillowReferenceTests: XCTestCase {
    private static let maxTolerance: Float = 2
    private static let meanTolerance: Float = 0.5

    func testJPEGVariantsMatchPillow() throws {
        try assertCasesMatch(prefix: "jpeg_", excluding: "jpeg_exif")
    }

    func testEXIFOrientationIsAppliedLikeExifTranspose() throws {
        let corpus = try ReferenceCorpus.load()
        for orientation in 1...8 {
            let testCase = try XCTUnwrap(corpus["jpeg_exif_orientation_\(orientation)"])
            let info = try assertMatches(testCase, corpus: corpus)
            XCTAssertEqual(info.orientation.rawValue, orientation)
            XCTAssertEqual(info.width, orientation >= 5 ? 480 : 640, "upright width for orientation \(orientation)")
        }
    }

    func testPNGVariantsMatchPillow() throws {
        try assertCasesMatch(prefix: "png_")
    }

    func testSharedPhotosMatchPillow() throws {
        try assertCasesMatch(prefix: "shared_")
    }

    func testLargeJPEGsAreDecodedAtReducedDCTScale() throws {
        let corpus = try ReferenceCorpus.load()
        for name in ["jpeg_large_444", "jpeg_large_420_progressive",
                     "jpeg_large_444_exif_orientation_3", "jpeg_large_444_exif_orientation_6",
                     "jpeg_large_420_exif_orientation_3", "jpeg_large_420_exif_orientation_6"] {
            let info = try assertMatches(try XCTUnwrap(corpus[name]), corpus: corpus)
            XCTAssertEqual(info.decodeScaleEighths, 4, "a 3600×2700 photo keeps 5× oversampling at 1/2 scale")
        }
        let photo = try assertMatches(try XCTUnwrap(corpus["shared_samoyed"]), corpus: corpus)
        XCTAssertEqual(photo.decodeScaleEighths, 8, "1546×1213 at 1/2 scale keeps under 4× oversampling")
    }

    /// libjpeg's 1/2-scale decode returns 2×2 block means; resampling them
    /// with Pillow's filter folded through a block-gradient estimate (rather
    /// than with the triangle laid on the half-size grid) keeps the sample
    /// photo within tolerance with only 2.4 decoded pixels per output pixel.
    func testPhotoDecodedAtHalfScaleWithLittleOversamplingStillMatchesPillow() throws {
        let corpus = try ReferenceCorpus.load()
        let info = try assertMatches(try XCTUnwrap(corpus["shared_samoyed"]), corpus: corpus, dctOversampling: 2)
        XCTAssertEqual(info.decodeScaleEighths, 4)
    }

    func testImageNetNormalizationInNCHWMatchesNumPy() throws {
        let corpus = try ReferenceCorpus.load()
        let expected = try corpus.floats("normalized_imagenet_nchw_rgb.f32")
        let output = try run(.imageNet, on: corpus.data("shared_samoyed_640.jpg"))
        // A one-level difference before normalisation is 1/255/0.224 ≈ 0.0175 after it.
        assertClose(output, expected, maxAbs: 2 / 255 / 0.224, meanAbs: 0.5 / 255 / 0.224, "ImageNet NCHW RGB")
    }

    func testMinusOneToOneBGRNHWCMatchesNumPy() throws {
        let corpus = try ReferenceCorpus.load()
        let expected = try corpus.floats("normalized_minus_one_nhwc_bgr.f32")
        let spec = try PreprocessSpec(resize: .shorterSide(256), crop: (224, 224), scale: .minusOneToOne,
                                      channelOrder: .bgr, layout: .nhwc)
        let output = try run(spec, on: corpus.data("shared_samoyed_640.jpg"))
        assertClose(output, expected, maxAbs: 2 / 127.5, meanAbs: 0.5 / 127.5, "x/127.5-1 NHWC BGR")
    }

    func testConcurrentRequestsProduceIdenticalTensors() throws {
        let corpus = try ReferenceCorpus.load()
        let bytes = try corpus.data("jpeg_portrait_420.jpg")
        let preprocessor = ImagePreprocessor(spec: .imageNet)
        let count = PreprocessSpec.imageNet.elementCount
        let single = try run(.imageNet, on: bytes)
        let batch = UnsafeMutableBufferPointer<Float>.allocate(capacity: count * 8)
        defer { batch.deallocate() }
        let failures = FailureCounter()
        // Each iteration writes only its own disjoint slot of the batch.
        nonisolated(unsafe) let base = batch.baseAddress!
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let slot = UnsafeMutableBufferPointer(start: base + index * count, count: count)
            do { _ = try preprocessor.process(bytes, into: slot) } catch { failures.record() }
        }
        XCTAssertEqual(failures.count, 0)
        for index in 0..<8 {
            XCTAssertEqual(Array(batch[index * count..<(index + 1) * count]), single, "slot \(index)")
        }
    }

    // MARK: Helpers

    private func assertCasesMatch(prefix: String, excluding: String? = nil) throws {
        let corpus = try ReferenceCorpus.load()
        let cases = corpus.cases.filter { $0.name.hasPrefix(prefix) && !(excluding.map($0.name.hasPrefix) ?? false) }
        XCTAssertFalse(cases.isEmpty)
        for testCase in cases {
            try assertMatches(testCase, corpus: corpus)
        }
    }

    @discardableResult
    private func assertMatches(_ testCase: ReferenceCorpus.Case, corpus: ReferenceCorpus, dctOversampling: Double = 4,
                               file: StaticString = #filePath, line: UInt = #line) throws -> ImageInfo {
        let resize: PreprocessSpec.Resize = testCase.resize.mode == "exact"
            ? .exact(height: testCase.resize.size[0], width: testCase.resize.size[1])
            : .shorterSide(testCase.resize.size[0])
        let spec = try PreprocessSpec(resize: resize, crop: testCase.crop.map { ($0[0], $0[1]) },
                                      scale: .raw, layout: .nhwc)
        var output = [Float](repeating: .nan, count: spec.elementCount)
        let info = try output.withUnsafeMutableBufferPointer { slot in
            try ImagePreprocessor(spec: spec, dctOversampling: dctOversampling).process(corpus.image(testCase), into: slot)
        }
        XCTAssertEqual(spec.outputSize.height, testCase.height, testCase.name, file: file, line: line)
        XCTAssertEqual(spec.outputSize.width, testCase.width, testCase.name, file: file, line: line)
        assertClose(output, try corpus.reference(testCase), maxAbs: Self.maxTolerance, meanAbs: Self.meanTolerance,
                    "\(testCase.name) (DCT scale \(info.decodeScaleEighths)/8)", file: file, line: line)
        return info
    }

    private func run(_ spec: PreprocessSpec, on bytes: Data) throws -> [Float] {
        var output = [Float](repeating: .nan, count: spec.elementCount)
        _ = try output.withUnsafeMutableBufferPointer { try ImagePreprocessor(spec: spec).process(bytes, into: $0) }
        return output
    }

    private func assertClose(_ actual: [Float], _ expected: [Float], maxAbs: Float, meanAbs: Float, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        guard actual.count == expected.count else {
            return XCTFail("\(label): \(actual.count) values, reference has \(expected.count)", file: file, line: line)
        }
        var worst: Float = 0, total: Float = 0
        for (a, e) in zip(actual, expected) {
            let difference = abs(a - e)
            worst = max(worst, difference.isNaN ? .infinity : difference)
            total += difference
        }
        let mean = total / Float(actual.count)
        XCTAssertLessThanOrEqual(worst, maxAbs, "\(label): max difference", file: file, line: line)
        XCTAssertLessThanOrEqual(mean, meanAbs, "\(label): mean difference", file: file, line: line)
    }
}

/// Counts failures from concurrent closures; the lock guards `value`.
private final class FailureCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func record() { lock.withLock { value += 1 } }
}
