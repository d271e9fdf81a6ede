import Foundation
import XCTest
@testable import FoveaServe

/// Overload and deadlines, end to end: refusals are fast and explicit.
final class BackpressureTests: XCTestCase {
    func testAFullQueueAnswers503WithRetryAfter() async throws {
        let service = try await Fixtures.startService(try Fixtures.defaultConfiguration {
            $0.models[0].batching = BatchingSettings(maxBatchSize: 1, maxQueueDelay: .zero, queueCapacity: 1,
                                                     timeout: .seconds(30))
        })
        let base = "http://127.0.0.1:\(try XCTUnwrap(service.port))"
        let image = try Fixtures.sharedImage("samoyed.jpg")
        let responses = try await withThrowingTaskGroup(of: CurlResponse.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try curl("\(base)/classify", method: "POST", headers: ["Content-Type": "image/jpeg"], bodyFile: image)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let refused = responses.filter { $0.status == 503 }
        XCTAssertFalse(refused.isEmpty, "12 concurrent requests cannot fit a queue of 1: \(responses.map(\.status))")
        XCTAssertTrue(responses.allSatisfy { $0.status == 200 || $0.status == 503 }, "\(responses.map(\.status))")
        for response in refused {
            XCTAssertEqual(response.headers["retry-after"], "1")
            XCTAssertTrue(response.body.contains(#""code":"overloaded""#), response.body)
        }
        await service.shutdown()
    }

    func testARequestPastItsDeadlineGets504() async throws {
        // Decoding the large photo alone takes longer than a 1 ms budget.
        let service = try await Fixtures.startService(try Fixtures.defaultConfiguration {
            $0.models[0].batching.timeout = .milliseconds(1)
        })
        let base = "http://127.0.0.1:\(try XCTUnwrap(service.port))"
        let response = try curl("\(base)/classify", method: "POST", headers: ["Content-Type": "image/jpeg"],
                                bodyFile: try Fixtures.sharedImage("samoyed.jpg"))
        XCTAssertEqual(response.status, 504, response.body)
        XCTAssertTrue(response.body.contains(#""code":"deadline_exceeded""#), response.body)
        await service.shutdown()
    }
}
