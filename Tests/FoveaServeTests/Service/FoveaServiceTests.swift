import Foundation
import Logging
import XCTest
@testable import FoveaServe

final class FoveaServiceTests: XCTestCase {
    private func startService() async throws -> FoveaService {
        var configuration = ServiceConfiguration()
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        let service = FoveaService(configuration: configuration, logger: Logger(label: "test"))
        try await service.start()
        return service
    }

    func testHealthAndReadinessOverHTTP() async throws {
        let service = try await startService()
        let port = try XCTUnwrap(service.port)
        let health = try curl("http://127.0.0.1:\(port)/healthz")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.body, #"{"status":"ok"}"#)
        XCTAssertEqual(health.headers["content-type"], "application/json")
        XCTAssertNotNil(health.headers["x-request-id"])

        let ready = try curl("http://127.0.0.1:\(port)/readyz")
        XCTAssertEqual(ready.status, 200)
        service.readiness.markNotReady()
        let notReady = try curl("http://127.0.0.1:\(port)/readyz")
        XCTAssertEqual(notReady.status, 503)
        XCTAssertTrue(notReady.body.contains(#""code":"not_ready""#), notReady.body)
        await service.shutdown()
    }

    func testMetricsCountRequestsByRoutePattern() async throws {
        let service = try await startService()
        let port = try XCTUnwrap(service.port)
        _ = try curl("http://127.0.0.1:\(port)/healthz")
        _ = try curl("http://127.0.0.1:\(port)/no-such-path")
        let metrics = try curl("http://127.0.0.1:\(port)/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertEqual(metrics.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        XCTAssertTrue(metrics.body.contains(#"fovea_requests_total{route="/healthz",method="GET",status="200"} 1"#),
                      metrics.body)
        XCTAssertTrue(metrics.body.contains(#"fovea_requests_total{route="unmatched",method="GET",status="404"} 1"#),
                      "unknown paths share one series instead of one per path")
        XCTAssertTrue(metrics.body.contains("process_resident_memory_bytes "))
        await service.shutdown()
    }
}
