import Foundation
import XCTest
@testable import FoveaServe

final class LabelsTests: XCTestCase {
    private func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString).txt")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testOneLabelPerLineInIndexOrder() throws {
        let labels = try Labels(contentsOf: try write("Samoyed\r\ngolden retriever\n  pug \n\n"))
        XCTAssertEqual(labels.names, ["Samoyed", "golden retriever", "pug"])
    }

    func testABlankLineInTheMiddleIsRejected() throws {
        let path = try write("a\n\nb\n")
        XCTAssertThrowsError(try Labels(contentsOf: path)) { error in
            XCTAssertEqual(error as? ModelLoadingError,
                           .invalidLabels(path: path, reason: "line 2 is empty; every class index needs a name"))
        }
    }

    func testEmptyAndMissingFilesAreRejected() throws {
        let empty = try write("\n\n")
        XCTAssertThrowsError(try Labels(contentsOf: empty)) { error in
            XCTAssertEqual(error as? ModelLoadingError, .invalidLabels(path: empty, reason: "the file has no labels"))
        }
        XCTAssertThrowsError(try Labels(contentsOf: "/nonexistent/labels.txt")) { error in
            guard case .unreadableLabels = error as? ModelLoadingError else { return XCTFail("\(error)") }
        }
    }
}
