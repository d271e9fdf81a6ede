import FoveaEngine
import Foundation
import XCTest

/// An engine keeps GNU OpenMP from spinning for milliseconds between
/// primitives (see `OpenMPThreads.idleSpinningLimited`), unless the user
/// chose a wait policy.
final class OpenMPIdleSpinningTests: XCTestCase {
    func testCreatingAnEngineParksAnOpenMPTeamThatLimitsIdleSpinning() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OMP_WAIT_POLICY"] == nil, environment["GOMP_SPINCOUNT"] == nil else {
            throw XCTSkip("the user's OpenMP wait policy is kept as set")
        }
        _ = try Engine(model: try Model.load(path: try PythonTools.exportedModel("squeezenet1_1")))
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertTrue(names.contains("fovea-omp-park"), "no parked OpenMP team among threads \(names)")
    }
}
