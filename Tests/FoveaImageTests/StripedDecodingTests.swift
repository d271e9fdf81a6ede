import FoveaImage
import Foundation
import XCTest

/// With `threadsPerImage` above 1, a large JPEG with restart markers at row
/// boundaries is decoded in strips on several threads, and the resampling
/// passes split their rows. The tensor must be bit-identical to the
/// single-threaded one: strips only change who decodes a row, not its value.
final class StripedDecodingTests: XCTestCase {
    private static let stripedCases = [
        "jpeg_restart_444", "jpeg_restart_420_every_3_rows", "jpeg_restart_422", "jpeg_restart_gray",
        "jpeg_restart_cmyk", "jpeg_restart_420_exif_orientation_6",
    ]

    func testRestartMarkedJPEGsDecodeInStripsIdenticallyToOneDecoder() throws {
        let corpus = try ReferenceCorpus.load()
        for name in Self.stripedCases {
            let bytes = try corpus.image(try XCTUnwrap(corpus[name]))
            let (single, singleInfo) = try preprocess(bytes, threads: 1)
            let (striped, stripedInfo) = try preprocess(bytes, threads: 2)
            XCTAssertEqual(singleInfo.decodeStrips, 1, name)
            XCTAssertEqual(stripedInfo.decodeStrips, 2, name)
            assertIdentical(striped, single, name)
        }
    }

    func testSubsampledStripsAreExactAtEveryDCTScale() throws {
        // 1/2 scale decodes chroma differently at strip edges if a strip did
        // not see its neighbours' rows.
        let corpus = try ReferenceCorpus.load()
        let bytes = try corpus.image(try XCTUnwrap(corpus["jpeg_restart_420_every_3_rows"]))
        let (single, singleInfo) = try preprocess(bytes, threads: 1, dctOversampling: 2)
        let (striped, stripedInfo) = try preprocess(bytes, threads: 2, dctOversampling: 2)
        XCTAssertEqual(singleInfo.decodeScaleEighths, 4)
        XCTAssertEqual(stripedInfo.decodeStrips, 2)
        assertIdentical(striped, single, "jpeg_restart_420_every_3_rows at 1/2 scale")
    }

    func testJPEGsThatCannotBeSplitAtRowsDecodeInOneStrip() throws {
        let corpus = try ReferenceCorpus.load()
        for name in ["jpeg_restart_mid_row", "jpeg_large_444", "jpeg_large_420_progressive", "jpeg_restart_small"] {
            let bytes = try corpus.image(try XCTUnwrap(corpus[name]))
            let (single, _) = try preprocess(bytes, threads: 1)
            let (threaded, info) = try preprocess(bytes, threads: 2)
            XCTAssertEqual(info.decodeStrips, 1, "\(name) has no row-aligned restart markers or is small")
            assertIdentical(threaded, single, name)
        }
    }

    func testDamagedRestartDataFailsAsWithOneDecoder() throws {
        let corpus = try ReferenceCorpus.load()
        let bytes = try corpus.image(try XCTUnwrap(corpus["jpeg_restart_444"]))
        let truncated = bytes.prefix(bytes.count * 6 / 10)
        XCTAssertThrowsError(try preprocess(truncated, threads: 2)) { error in
            guard case .truncated(.jpeg, _)? = error as? ImageDecodingError else {
                return XCTFail("expected a truncated-JPEG error, got \(error)")
            }
        }
        // A restart marker out of sequence: the strips cannot be trusted, so
        // the file takes the one-decoder path and gets whatever it gets there.
        var damaged = [UInt8](bytes)
        let marker = try XCTUnwrap((damaged.count / 2..<damaged.count - 1).first {
            damaged[$0] == 0xFF && (0xD0...0xD7).contains(damaged[$0 + 1])
        })
        damaged[marker + 1] = 0xD0 + (damaged[marker + 1] - 0xD0 + 3) % 8
        let single = Result { try preprocess(Data(damaged), threads: 1).tensor }
        let threaded = Result { try preprocess(Data(damaged), threads: 2).tensor }
        switch (single, threaded) {
        case (.success(let a), .success(let b)): assertIdentical(b, a, "damaged restart marker")
        case (.failure(let a), .failure(let b)): XCTAssertEqual("\(a)", "\(b)")
        default: XCTFail("one decoder and strips disagree on a damaged file: \(single) vs \(threaded)")
        }
    }

    private func assertIdentical(_ actual: [Float], _ expected: [Float], _ label: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        let differing = zip(actual, expected).filter { $0 != $1 }
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        XCTAssertTrue(differing.isEmpty, "\(label): \(differing.count) values differ from the one-decoder tensor, "
                      + "largest by \(differing.map { abs($0 - $1) }.max() ?? 0)", file: file, line: line)
    }

    private func preprocess(_ bytes: some DataProtocol, threads: Int,
                            dctOversampling: Double = 4) throws -> (tensor: [Float], info: ImageInfo) {
        let preprocessor = ImagePreprocessor(spec: .imageNet, dctOversampling: dctOversampling, threadsPerImage: threads)
        var output = [Float](repeating: .nan, count: PreprocessSpec.imageNet.elementCount)
        let data = Data(bytes)
        let info = try output.withUnsafeMutableBufferPointer { try preprocessor.process(data, into: $0) }
        return (output, info)
    }
}
