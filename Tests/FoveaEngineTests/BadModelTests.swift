import FoveaEngine
import Foundation
import XCTest

/// Broken or unsupported models are rejected at load time with a message
/// that names the problem, never with a crash.
final class BadModelTests: XCTestCase {
    private static func badModelsDirectory() throws -> URL {
        let directory = PythonTools.cacheDirectory.appendingPathComponent("bad-models")
        let names = ["valid", "missing_initializer", "unsupported_op", "shape_mismatch", "huge_reshape", "huge_pads"]
        if !names.allSatisfy({ FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0).onnx").path) }) {
            try PythonTools.run("make_bad_models.py", [directory.path])
        }
        return directory
    }

    private func loadError(_ path: String) -> String? {
        do {
            _ = try Model.load(path: path)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-\(UUID().uuidString).onnx").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testTheValidControlModelLoadsAndRuns() throws {
        let path = try Self.badModelsDirectory().appendingPathComponent("valid.onnx").path
        let plan = try Engine(model: try Model.load(path: path), threads: 1).plan(batchSize: 2)
        let outputs = try plan.run(inputs: [Tensor(shape: [2, 3, 8, 8], floats: Array(repeating: -1, count: 384))])
        XCTAssertEqual(outputs[0].shape, [2, 4, 6, 6])
        XCTAssertTrue(outputs[0].floats.allSatisfy { $0 == 0 }, "Relu of a negative convolution is zero")
    }

    func testTruncatedFileIsReportedAsTruncated() throws {
        let valid = try Data(contentsOf: Self.badModelsDirectory().appendingPathComponent("valid.onnx"))
        let message = try XCTUnwrap(loadError(try temporaryFile(Array(valid.prefix(valid.count * 2 / 3)))))
        XCTAssertTrue(message.contains("truncated") || message.contains("past the end"), message)
    }

    func testFileThatIsNotProtobufIsRejected() throws {
        let message = try XCTUnwrap(loadError(try temporaryFile(Array("GIF89a this is not an ONNX model at all".utf8))))
        XCTAssertTrue(message.contains("ONNX") || message.contains("protobuf"), message)
    }

    func testEmptyAndMissingFilesAreRejected() throws {
        let empty = try XCTUnwrap(loadError(try temporaryFile([])))
        XCTAssertTrue(empty.contains("empty"), empty)
        let missing = try XCTUnwrap(loadError("/nonexistent/model.onnx"))
        XCTAssertTrue(missing.contains("/nonexistent/model.onnx"), missing)
    }

    func testMissingInitializerNamesTheValueAndNode() throws {
        let message = try XCTUnwrap(loadError(try Self.badModelsDirectory().appendingPathComponent("missing_initializer.onnx").path))
        XCTAssertTrue(message.contains("'w'") && message.contains("conv_without_weights"), message)
    }

    func testUnsupportedOperatorNamesOperatorAndNode() throws {
        let message = try XCTUnwrap(loadError(try Self.badModelsDirectory().appendingPathComponent("unsupported_op.onnx").path))
        XCTAssertTrue(message.contains("GridSample") && message.contains("the_grid_sampler"), message)
    }

    func testShapeMismatchNamesTheNode() throws {
        let message = try XCTUnwrap(loadError(try Self.badModelsDirectory().appendingPathComponent("shape_mismatch.onnx").path))
        XCTAssertTrue(message.contains("mismatched_conv") && message.contains("channels"), message)
    }

    func testShapesAndPadsThatWouldOverflowAreRefusedByName() throws {
        let reshape = try XCTUnwrap(loadError(try Self.badModelsDirectory().appendingPathComponent("huge_reshape.onnx").path))
        XCTAssertTrue(reshape.contains("overflowing_reshape") && reshape.contains("out of range"), reshape)
        let pads = try XCTUnwrap(loadError(try Self.badModelsDirectory().appendingPathComponent("huge_pads.onnx").path))
        XCTAssertTrue(pads.contains("overflowing_conv") && pads.contains("pad"), pads)
    }

    func testRandomCorruptionNeverCrashes() throws {
        let valid = [UInt8](try Data(contentsOf: Self.badModelsDirectory().appendingPathComponent("valid.onnx")))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var corrupted = valid
            for _ in 0..<4 { corrupted[Int.random(in: 0..<corrupted.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            _ = loadError(try temporaryFile(corrupted))
        }
    }
}
