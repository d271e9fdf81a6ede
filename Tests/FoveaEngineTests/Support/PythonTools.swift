import Foundation
import XCTest

/// Locates the repository, the test Python environment and cached artefacts,
/// and runs the Python helpers that export models and compute references.
enum PythonTools {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    static var helpersDirectory: URL { repositoryRoot.appendingPathComponent("Tests/FoveaEngineTests/Python") }

    static var cacheDirectory: URL { repositoryRoot.appendingPathComponent(".build/engine-tests") }

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "Python test environment not found at \(path): run `make test` (or Scripts/setup-python-env.sh) first" }
    }

    struct Failed: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "\(command) failed:\n\(output)" }
    }

    static func python() throws -> String {
        if let override = ProcessInfo.processInfo.environment["FOVEA_PYTHON"], !override.isEmpty { return override }
        let path = repositoryRoot.appendingPathComponent(".build/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        return path
    }

    /// Runs a helper script from `Tests/FoveaEngineTests/Python` and returns its output.
    @discardableResult
    static func run(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try python())
        process.arguments = [helpersDirectory.appendingPathComponent(script).path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(command: "\(script) \(arguments.joined(separator: " "))", output: String(decoding: output, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The ONNX backend test data of the installed `onnx` package.
    static func onnxTestData() throws -> URL {
        let path = try run("onnx_test_data.py", []).trimmingCharacters(in: .whitespacesAndNewlines)
        return URL(fileURLWithPath: path)
    }

    /// Path of a test model, exported on first use.
    static func exportedModel(_ name: String) throws -> String {
        let directory = cacheDirectory.appendingPathComponent("models")
        let path = directory.appendingPathComponent("\(name).onnx").path
        if !FileManager.default.fileExists(atPath: path) {
            try run("export_models.py", [directory.path, name])
        }
        return path
    }

    /// Directory with `input_*.pb` and onnxruntime's `output_*.pb` for a
    /// model at a batch size, computed on first use.
    static func reference(model path: String, name: String, batch: Int) throws -> URL {
        let directory = cacheDirectory.appendingPathComponent("references/\(name)_b\(batch)")
        let output = directory.appendingPathComponent("output_0.pb").path
        if modificationDate(output).map({ $0 < modificationDate(path) ?? .distantFuture }) ?? true {
            try run("ort_reference.py", [path, String(batch), directory.path])
        }
        return directory
    }

    /// Nil for a file that does not exist: a reference older than its
    /// model (re-exported after its script changed) is computed again.
    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
