import Foundation
import XCTest

/// Test images and their Pillow/NumPy reference tensors, generated once per
/// test run by `Python/make_reference_images.py` into `.build/fovea-image-tests`.
struct ReferenceCorpus: Sendable {
    struct Case: Decodable, Sendable {
        struct Resize: Decodable, Sendable {
            let mode: String
            let size: [Int]
        }
        let name: String
        let file: String
        let resize: Resize
        let crop: [Int]?
        let height: Int
        let width: Int
    }

    let directory: URL
    let cases: [Case]

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Generated lazily and shared by every test in the process.
    static let shared: Result<ReferenceCorpus, CorpusError> = {
        do throws(CorpusError) { return .success(try generate()) } catch { return .failure(error) }
    }()

    static func load() throws -> ReferenceCorpus { try shared.get() }

    func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    func image(_ testCase: Case) throws -> Data { try data(testCase.file) }

    /// Expected uint8 HWC tensor, as floats in 0…255.
    func reference(_ testCase: Case) throws -> [Float] {
        try data("\(testCase.name).ref").map(Float.init)
    }

    func floats(_ name: String) throws -> [Float] {
        let bytes = try data(name)
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    subscript(name: String) -> Case? { cases.first { $0.name == name } }

    struct CorpusError: Error, CustomStringConvertible {
        let description: String
    }

    private static func generate() throws(CorpusError) -> ReferenceCorpus {
        let root = repositoryRoot
        let python = ProcessInfo.processInfo.environment["FOVEA_PYTHON"]
            ?? root.appendingPathComponent(".build/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw CorpusError(description: "Python test environment missing at \(python); run `make test` (or Scripts/setup-python-env.sh) first")
        }
        guard let shared = sharedImagesDirectory() else {
            throw CorpusError(description: "shared photos not found: looked for images/samoyed.jpg in <repo>/../shared, $FOVEA_SHARED_DIR and <repo>/../../shared")
        }
        let output = root.appendingPathComponent(".build/fovea-image-tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("Tests/FoveaImageTests/Python/make_reference_images.py").path,
                             output.path, shared.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CorpusError(description: "cannot start \(python): \(error)")
        }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CorpusError(description: "make_reference_images.py failed: \(String(decoding: stderr, as: UTF8.self))")
        }
        do {
            let manifest = try Data(contentsOf: output.appendingPathComponent("manifest.json"))
            return ReferenceCorpus(directory: output, cases: try JSONDecoder().decode([Case].self, from: manifest))
        } catch {
            throw CorpusError(description: "unreadable manifest: \(error)")
        }
    }

    /// The shared folder sits next to the main checkout; worktrees live one level deeper.
    static func sharedImagesDirectory() -> URL? {
        var candidates = [repositoryRoot.appendingPathComponent("../shared")]
        if let configured = ProcessInfo.processInfo.environment["FOVEA_SHARED_DIR"] {
            candidates.append(URL(fileURLWithPath: configured))
        }
        candidates.append(repositoryRoot.appendingPathComponent("../../shared"))
        return candidates
            .map { $0.appendingPathComponent("images").standardizedFileURL }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("samoyed.jpg").path) }
    }
}
