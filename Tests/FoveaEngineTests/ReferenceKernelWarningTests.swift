import FoveaEngine
import Foundation
import Logging
import XCTest

/// Where oneDNN has nothing but a reference kernel for a step, the plan
/// runs it, reports it, and the engine logs one warning per node naming the
/// node, operation and shapes — however many plans contain it.
final class ReferenceKernelWarningTests: XCTestCase {
    /// Collects what an engine logs.
    private final class Recorder: LogHandler, @unchecked Sendable {
        struct Entry {
            let level: Logger.Level
            let message: String
            let metadata: Logger.Metadata
        }

        private let lock = NSLock()
        private var recorded: [Entry] = []
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        var entries: [Entry] {
            lock.lock()
            defer { lock.unlock() }
            return recorded
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            lock.lock()
            recorded.append(Entry(level: level, message: message.description, metadata: self.metadata.merging(metadata ?? [:]) { $1 }))
            lock.unlock()
        }
    }

    func testAStepLeftOnAReferenceKernelIsReportedAndWarnedAboutOncePerNode() throws {
        let recorder = Recorder()
        let logger = Logger(label: "test") { _ in recorder }
        let model = try Model.load(path: try PythonTools.exportedModel("softmax_over_batch"))
        let engine = try Engine(model: model, logger: logger)
        for batch in [1, 2, 3] {
            let steps = try engine.plan(batchSize: batch).referenceSteps
            XCTAssertEqual(steps.map(\.operation), ["Softmax"], "batch \(batch)")
        }
        _ = try engine.instance(threads: 1).plan(batchSize: 2)
        let warnings = recorder.entries.filter { $0.level == .warning }
        XCTAssertEqual(warnings.count, 1, "\(warnings.map(\.message))")
        let warning = try XCTUnwrap(warnings.first)
        XCTAssertTrue(warning.message.contains("reference kernel"), warning.message)
        XCTAssertEqual(warning.metadata["operation"], "Softmax")
        XCTAssertEqual(warning.metadata["node"], .string(model.graph.nodes.last!.name))
        XCTAssertEqual(warning.metadata["shapes"], "1×8 → 1×8")
    }
}
