import FoveaHTTP
import Foundation
import XCTest

/// Shutdown stops accepting, finishes in-flight requests and closes idle connections.
final class GracefulShutdownTests: XCTestCase {
    func testInFlightRequestCompletesAndIdleConnectionsClose() async throws {
        let server = try TestServer()
        let idle = try server.client()
        try idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try idle.readResponse().status, 200)

        let busy = try server.client()
        try busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(50))
        let started = Date()
        await server.server.shutdown(drainTimeout: .seconds(5))
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)

        let response = try busy.readResponse()
        XCTAssertEqual(response.bodyText, "slow")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertEqual(try idle.readToEnd(), [])
        XCTAssertEqual(server.server.connectionCount, 0)
        XCTAssertThrowsError(try server.client(), "the listener must be closed")
    }

    func testDrainTimeoutForcesStuckRequestsClosed() async throws {
        var router = Router()
        router.get("/stuck") { _ in
            try await Task.sleep(for: .seconds(30))
            return .text("late")
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        try client.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(50))
        let started = Date()
        await server.server.shutdown(drainTimeout: .milliseconds(200))
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        XCTAssertEqual(try client.readToEnd(), [])
    }
}
