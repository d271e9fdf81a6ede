import Foundation
import XCTest

/// `fovea classify`, run as a user runs it.
final class ClassifyCommandTests: XCTestCase {
    private var foveaBinary: String {
        ((Bundle.main.executableURL ?? Bundle.main.bundleURL).deletingLastPathComponent())
            .appendingPathComponent("fovea").path
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let config = Fixtures.repositoryRoot.appendingPathComponent("Config/fovea.yaml").path
        return try runTool(foveaBinary, ["classify", "--config", config] + arguments)
    }

    func testTheDefaultModelCallsTheSamoyedASamoyed() throws {
        let result = try run([try Fixtures.sharedImage("samoyed.jpg")])
        XCTAssertEqual(result.status, 0, result.output)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let top = try XCTUnwrap((body["predictions"] as? [[String: Any]])?.first)
        XCTAssertEqual(top["label"] as? String, "Samoyed")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(top["score"] as? Double), 0.9)
        XCTAssertEqual(body["model"] as? String, "dog-breeds")
    }

    func testAModelGivenAsAPathAndSeveralImages() throws {
        let model = Fixtures.repositoryRoot.appendingPathComponent("Config/models/dog-breeds/model.onnx").path
        // ImageNet preprocessing does not fit this NHWC 160×160 model: the
        // mismatch is reported, not run.
        let mismatch = try run(["--model", model, try Fixtures.sharedImage("samoyed-640.jpg")])
        XCTAssertNotEqual(mismatch.status, 0)
        XCTAssertTrue(mismatch.output.contains("takes input input_layer_1 [N, 160, 160, 3] but its preprocess settings produce [N, 3, 224, 224]"), mismatch.output)

        let several = try run(["--top-k", "1", try Fixtures.sharedImage("samoyed.jpg"),
                               try Fixtures.sharedImage("samoyed-640.jpg")])
        XCTAssertEqual(several.status, 0, several.output)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(several.output.utf8)) as? [String: Any])
        XCTAssertEqual((body["results"] as? [Any])?.count, 2)
    }

    func testUnreadableAndInvalidInputsFailWithAMessage() throws {
        let missing = try run(["/nonexistent/dog.jpg"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("cannot read /nonexistent/dog.jpg"), missing.output)
        let unknown = try run(["--model", "cats", try Fixtures.sharedImage("samoyed.jpg")])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.output.contains("no model 'cats'"), unknown.output)
    }
}
