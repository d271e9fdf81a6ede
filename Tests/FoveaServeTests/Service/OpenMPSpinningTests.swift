import Foundation
import XCTest

/// The `fovea` command runs with a short OpenMP idle spin (GOMP_SPINCOUNT
/// 3000), set before libgomp loads, unless the operator chose a policy.
final class OpenMPSpinningTests: XCTestCase {
    private var foveaBinary: String {
        ((Bundle.main.executableURL ?? Bundle.main.bundleURL).deletingLastPathComponent())
            .appendingPathComponent("fovea").path
    }

    /// GOMP_SPINCOUNT in the environment of the running `fovea serve`
    /// started with `environment`, once it changed or `seconds` passed.
    private func spinCount(startingWith environment: [String: String], seconds: TimeInterval = 10) throws -> String? {
        // Between spawn and exec, /proc shows the test runner's environment;
        // a marker tells the child's own environment apart from it.
        let token = UUID().uuidString
        let marker = "FOVEA_SPIN_TEST=\(token)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: foveaBinary)
        process.arguments = ["serve", "--config", Fixtures.repositoryRoot.appendingPathComponent("Config/fovea.yaml").path,
                             "--host", "127.0.0.1", "--port", "0"]
        process.environment = environment.merging(["FOVEA_SPIN_TEST": token]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(seconds)
        var found: String?
        var sawOwnEnvironment = false
        // The command executes itself again with the variable set; until
        // then /proc shows the environment it was started with.
        while Date() < deadline {
            let raw = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/environ"))
            let variables = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains(marker) {
                sawOwnEnvironment = true
                found = variables.first { $0.hasPrefix("GOMP_SPINCOUNT=") }.map { String($0.dropFirst("GOMP_SPINCOUNT=".count)) }
                if found != environment["GOMP_SPINCOUNT"] { break }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(sawOwnEnvironment, "fovea serve did not start within \(seconds) s")
        return found
    }

    private var baseEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { $0.key != "GOMP_SPINCOUNT" && $0.key != "OMP_WAIT_POLICY" }
    }

    func testTheCommandSetsAShortSpinBeforeOpenMPLoads() throws {
        XCTAssertEqual(try spinCount(startingWith: baseEnvironment), "3000")
    }

    func testAnOperatorsChoiceIsKept() throws {
        var environment = baseEnvironment
        environment["GOMP_SPINCOUNT"] = "50"
        XCTAssertEqual(try spinCount(startingWith: environment, seconds: 2), "50")
        environment["GOMP_SPINCOUNT"] = nil
        environment["OMP_WAIT_POLICY"] = "passive"
        XCTAssertNil(try spinCount(startingWith: environment, seconds: 2), "OMP_WAIT_POLICY alone is respected as well")
    }
}
