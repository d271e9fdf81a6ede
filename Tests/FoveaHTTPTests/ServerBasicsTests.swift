import FoveaHTTP
import XCTest

/// Request/response basics over a real socket.
final class ServerBasicsTests: XCTestCase {
    func testGetAnswersWithFramingAndBookkeepingHeaders() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.statusLine, "HTTP/1.1 200 OK")
        XCTAssertEqual(response.bodyText, "ok")
        XCTAssertEqual(response.header("Content-Length"), "2")
        XCTAssertEqual(response.header("Connection"), "keep-alive")
        XCTAssertEqual(response.header("Server"), "Fovea")
        XCTAssertNotNil(response.header("Date").flatMap { $0.hasSuffix(" GMT") ? $0 : nil })
        XCTAssertEqual(response.header("X-Request-ID")?.count, 16)
        await server.stop()
    }

    func testEchoesClientRequestID() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: trace-42\r\n\r\n")
        XCTAssertEqual(try client.readResponse().header("X-Request-ID"), "trace-42")
        await server.stop()
    }

    func testKeepAliveServesSeveralRequestsOnOneConnection() async throws {
        let server = try TestServer()
        let client = try server.client()
        for _ in 0..<3 {
            try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
        }
        await server.stop()
    }

    func testPipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try TestServer()
        let client = try server.client()
        // The slow request first: its response must still come first.
        var batch = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
        for index in 0..<5 { batch += "GET /sequence/\(index) HTTP/1.1\r\nHost: x\r\n\r\n" }
        try client.send(batch)
        XCTAssertEqual(try client.readResponse().bodyText, "slow")
        for index in 0..<5 {
            XCTAssertEqual(try client.readResponse().bodyText, "\(index)")
        }
        await server.stop()
    }

    func testConnectionCloseIsHonoured() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(try client.readsEndOfStream())
        await server.stop()
    }

    func testHTTP10ClosesByDefault() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(try client.readsEndOfStream())
        await server.stop()
    }

    func testHTTP10KeepAliveOnRequest() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(try client.readResponse().header("Connection"), "keep-alive")
        try client.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        await server.stop()
    }

    func testHeadHasHeadersButNoBody() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(expectBody: false)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), "2")
        // The next response must start right away: no stray body bytes in between.
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let next = try client.readResponse()
        XCTAssertEqual(next.statusLine, "HTTP/1.1 200 OK")
        XCTAssertEqual(next.bodyText, "ok")
        await server.stop()
    }

    func testPostBodyWithContentLength() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
        let response = try client.readResponse()
        XCTAssertEqual(response.bodyText, "hello world")
        XCTAssertEqual(response.header("X-Echo-Method"), "POST")
        await server.stop()
    }

    func testPathAndQueryArePercentDecoded() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("POST /ech%6F?a=1%202&b=x+y&c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("X-Echo-Path"), "/echo")
        XCTAssertEqual(response.header("X-Echo-Query"), "a=1 2&b=x y&c=")
        await server.stop()
    }

    func testAbsoluteFormTargetIsRoutedByItsPath() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("GET http://example.com:8080/models/resnet%2050 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "model resnet 50")
        await server.stop()
    }
}
