import Foundation
import Synchronization
import XCTest

@testable import FoveaServe

/// Everything an instance runs happens on its one named thread, whoever
/// calls; results and errors come back to the caller.
final class InferenceThreadTests: XCTestCase {
    private struct Refusal: Error, Equatable {}

    func testJobsFromManyCallersRunOnTheSameNamedThreadAndReturnTheirResults() throws {
        let thread = InferenceThread(name: "fovea-test")
        let callers = 8
        let seen = Mutex<Set<UInt>>([])
        DispatchQueue.concurrentPerform(iterations: callers) { index in
            let (value, name, id) = try! thread.perform { (index * 10, Thread.current.name, pthread_self()) }
            XCTAssertEqual(value, index * 10)
            XCTAssertEqual(name, "fovea-test")
            seen.withLock { _ = $0.insert(UInt(id)) }
        }
        XCTAssertEqual(seen.withLock { $0.count }, 1, "one thread for every job")
        XCTAssertNotEqual(try thread.perform { pthread_self() }, pthread_self(), "not the caller's thread")
    }

    func testAJobsErrorIsRethrownToItsCaller() throws {
        let thread = InferenceThread(name: "fovea-test")
        XCTAssertThrowsError(try thread.perform { throw Refusal() }) { XCTAssertEqual($0 as? Refusal, Refusal()) }
        XCTAssertEqual(try thread.perform { 42 }, 42, "the thread goes on after an error")
    }

    func testTheThreadEndsWithItsOwner() throws {
        func threadCount() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count }
        let before = try threadCount()
        for index in 0..<20 {
            let thread = InferenceThread(name: "fovea-test")
            XCTAssertEqual(try thread.perform { index }, index)
        }
        let deadline = Date().addingTimeInterval(5)
        while try threadCount() > before + 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertLessThanOrEqual(try threadCount(), before + 2, "twenty instances came and went; their threads must not stay")
    }
}
