import Foundation
import XCTest

/// A real Prometheus, configured with the shipped `Deploy/prometheus/`, scrapes
/// the real `fovea` binary and answers queries for Fovea's metrics: the whole
/// monitoring path an operator sets up, end to end.
final class PrometheusIntegrationTests: XCTestCase {
    /// `swift test` builds the `fovea` product next to the test executable.
    private var foveaBinary: String {
        let directory = (Bundle.main.executableURL ?? Bundle.main.bundleURL).deletingLastPathComponent()
        return directory.appendingPathComponent("fovea").path
    }

    func testPrometheusScrapesFoveaAndAnswersQueriesForItsMetrics() throws {
        let prometheus = "/usr/bin/prometheus"
        guard FileManager.default.isExecutableFile(atPath: prometheus) else {
            XCTFail("\(prometheus) is not installed; `make test` installs it (Debian package prometheus)")
            return
        }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: foveaBinary), "no fovea binary at \(foveaBinary)")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Scripts/prometheus-integration.sh").path
        let image = try Fixtures.sharedImage("samoyed-640.jpg")
        let result = try runTool("/usr/bin/env", ["IMAGE=\(image)", "/bin/bash", script, foveaBinary])
        XCTAssertEqual(result.status, 0, "Scripts/prometheus-integration.sh failed:\n\(result.output)")
        XCTAssertTrue(result.output.contains("PASS: fovea_requests_total"), result.output)
        XCTAssertTrue(result.output.contains("PASS: fovea_images_total"), result.output)
        XCTAssertNotNil(result.output.firstMatch(of: /(?m)^\d+ passed, 0 failed$/), result.output)
    }
}
