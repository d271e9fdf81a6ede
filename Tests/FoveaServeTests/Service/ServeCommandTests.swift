import Foundation
import XCTest

/// Runs the real `fovea` binary the way an operator does.
final class ServeCommandTests: XCTestCase {
    /// `swift test` builds the `fovea` product next to the test executable.
    private var foveaBinary: String {
        let directory = (Bundle.main.executableURL ?? Bundle.main.bundleURL).deletingLastPathComponent()
        return directory.appendingPathComponent("fovea").path
    }

    private var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    func testServesTheShippedConfigurationAndExitsZeroOnSIGTERM() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: foveaBinary)
        process.arguments = ["serve", "--config", repositoryRoot.appendingPathComponent("Config/fovea.yaml").path,
                             "--host", "127.0.0.1", "--port", "0"]
        let log = Pipe()
        process.standardError = log
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The port the kernel chose is in the startup log line.
        var collected = ""
        var port: Int?
        let deadline = Date().addingTimeInterval(20)
        while port == nil, Date() < deadline {
            let data = log.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            collected += String(decoding: data, as: UTF8.self)
            port = collected.firstMatch(of: /port=(\d+).*listening/).flatMap { Int($0.1) }
        }
        let boundPort = try XCTUnwrap(port, "no port in the startup log:\n\(collected)")
        XCTAssertEqual(try curl("http://127.0.0.1:\(boundPort)/healthz").status, 200)

        process.interrupt()  // SIGINT behaves like SIGTERM
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0, "a graceful stop exits 0")
    }

    func testAnInvalidConfigurationNamesFileAndKeyAndFails() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try "server:\n  prot: 80\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runTool(foveaBinary, ["serve", "--config", file.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("\(file.path): key 'server.prot': unknown key"), result.output)
    }

    func testAConfiguredModelThatCannotLoadStopsTheServiceWithItsReason() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString).yaml")
        try "models:\n  - name: ghost\n    path: /nonexistent/ghost.onnx\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runTool(foveaBinary, ["serve", "--config", file.path, "--host", "127.0.0.1", "--port", "0"])
        XCTAssertNotEqual(result.status, 0, "a replica without its model must not keep running")
        XCTAssertTrue(result.output.contains("model 'ghost' (/nonexistent/ghost.onnx) cannot be loaded"), result.output)
    }

    func testModelFlagsOverrideOrAddModels() throws {
        let config = repositoryRoot.appendingPathComponent("Config/fovea.yaml").path
        let overridden = try runTool(foveaBinary, ["serve", "--config", config, "--port", "0",
                                                   "--model", "dog-breeds=/nonexistent/dogs.onnx"])
        XCTAssertNotEqual(overridden.status, 0)
        XCTAssertTrue(overridden.output.contains("model 'dog-breeds' (/nonexistent/dogs.onnx)"), overridden.output)

        let added = try runTool(foveaBinary, ["serve", "--config", config, "--port", "0",
                                              "--model", "extra=/nonexistent/extra.onnx,labels=/nonexistent/l.txt"])
        XCTAssertNotEqual(added.status, 0)
        XCTAssertTrue(added.output.contains("/nonexistent/l.txt"), "labels are read first: \(added.output)")

        let malformed = try runTool(foveaBinary, ["serve", "--config", config, "--model", "no-equals-sign"])
        XCTAssertNotEqual(malformed.status, 0)
        XCTAssertTrue(malformed.output.contains("--model"), malformed.output)
    }
}
