import FoveaHTTP
import Foundation
import XCTest

/// Timeouts, connection limits and slow clients.
final class TimeoutAndLimitTests: XCTestCase {
    func testSlowHeaderGets408ThenClose() async throws {
        let server = try TestServer(configure: { $0.timeouts.headerRead = .milliseconds(300) })
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.errorCode, "request_timeout")
        XCTAssertTrue(try client.readsEndOfStream())
        await server.stop()
    }

    func testStalledBodyGets408() async throws {
        let server = try TestServer(configure: { $0.timeouts.bodyRead = .milliseconds(300) })
        let client = try server.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 408)
        await server.stop()
    }

    func testIdleKeepAliveConnectionIsClosedSilently() async throws {
        let server = try TestServer(configure: { $0.timeouts.keepAliveIdle = .milliseconds(300) })
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        let started = Date()
        XCTAssertEqual(try client.readToEnd(), [])
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        await server.stop()
    }

    func testMaxRequestsPerConnectionClosesAfterTheLast() async throws {
        let server = try TestServer(configure: { $0.maxRequestsPerConnection = 2 })
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try client.readResponse().header("Connection"), "keep-alive")
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try client.readResponse().header("Connection"), "close")
        XCTAssertTrue(try client.readsEndOfStream())
        await server.stop()
    }

    func testConnectionsBeyondTheLimitAreRefusedWith503() async throws {
        let server = try TestServer(configure: { $0.maxConnections = 2 })
        let first = try server.client()
        let second = try server.client()
        try first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try first.readResponse().status, 200)
        try second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try second.readResponse().status, 200)

        let third = try server.client()
        let refused = try third.readResponse()
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.errorCode, "too_many_connections")
        XCTAssertTrue(try third.readsEndOfStream())

        // Existing connections are unaffected, and capacity returns once one closes.
        try first.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(try first.readResponse().status, 200)
        XCTAssertTrue(try first.readsEndOfStream())
        try await Task.sleep(for: .milliseconds(100))
        let fourth = try server.client()
        try fourth.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try fourth.readResponse().status, 200)
        await server.stop()
    }

    /// 200 connections trickle one header byte per second; a normal request
    /// on a fresh connection must still be answered within a second.
    func testSlowClientsDoNotBlockOthers() async throws {
        let server = try TestServer()
        var slowClients: [RawHTTPClient] = []
        let partial = Array("GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8)
        for _ in 0..<200 { slowClients.append(try server.client()) }
        for step in 0..<3 {
            for client in slowClients { try client.send([partial[step]]) }
            let started = Date()
            let client = try server.client()
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
            XCTAssertLessThan(Date().timeIntervalSince(started), 1.0)
            try await Task.sleep(for: .seconds(1))
        }
        XCTAssertGreaterThanOrEqual(server.server.connectionCount, 200, "the slow clients must not have been dropped")
        await server.stop()
    }
}
