import Foundation
import XCTest

/// `fovea bench --profile` and `fovea inspect`, run as a user runs them on
/// the default model: where a plan's time goes, and whether any of its
/// steps is left on a oneDNN reference kernel.
final class EngineCommandsTests: XCTestCase {
    private var foveaBinary: String {
        ((Bundle.main.executableURL ?? Bundle.main.bundleURL).deletingLastPathComponent())
            .appendingPathComponent("fovea").path
    }

    private var model: String { Fixtures.repositoryRoot.appendingPathComponent("Config/models/dog-breeds/model.onnx").path }

    func testBenchProfileListsEveryStepSlowestFirstWithItsImplementation() throws {
        let result = try runTool(foveaBinary, ["bench", model, "--batch", "2", "--seconds", "0.2", "--profile", "--json"])
        XCTAssertEqual(result.status, 0, result.output)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let batch = try XCTUnwrap((report["results"] as? [[String: Any]])?.first)
        XCTAssertEqual(batch["reference_steps"] as? Int, 0)
        let steps = try XCTUnwrap(batch["profile"] as? [[String: Any]])
        XCTAssertGreaterThan(steps.count, 10)
        let times = steps.compactMap { $0["ms"] as? Double }
        XCTAssertEqual(times, times.sorted(by: >), "slowest first")
        let shares = steps.compactMap { $0["share"] as? Double }.reduce(0, +)
        XCTAssertEqual(shares, 1, accuracy: 0.001)
        for step in steps {
            XCTAssertFalse((step["implementation"] as? String ?? "").isEmpty, "\(step)")
            XCTAssertTrue((step["shapes"] as? String ?? "").contains("2×"), "\(step)")
        }
        XCTAssertEqual(steps.count { $0["operation"] as? String == "Reorder" }, batch["reorders"] as? Int)

        let table = try runTool(foveaBinary, ["bench", model, "--batch", "1", "--seconds", "0.2", "--profile"])
        XCTAssertEqual(table.status, 0, table.output)
        XCTAssertTrue(table.output.contains("0 on reference kernels"), table.output)
        XCTAssertTrue(table.output.contains("implementation"), table.output)
    }

    func testInspectReportsThePlansAtBatchOneAndEight() throws {
        let result = try runTool(foveaBinary, ["inspect", model])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.range(of: #"plan, batch 1: \d+ steps, \d+ reorders, 0 on reference kernels"#,
                                          options: .regularExpression) != nil, result.output)
        XCTAssertTrue(result.output.contains("plan, batch 8:"), result.output)
        XCTAssertFalse(result.output.contains("reference kernel:"), result.output)
    }
}
