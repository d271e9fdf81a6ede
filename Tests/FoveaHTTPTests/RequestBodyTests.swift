import FoveaHTTP
import XCTest

/// Chunked uploads and `Expect: 100-continue`.
final class RequestBodyTests: XCTestCase {
    func testChunkedUploadIsDecodedAndTrailersIgnored() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: ignored\r\n\r\n"
        )
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "hello 0123456789")
        // The connection is still in sync afterwards.
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "ok")
        await server.stop()
    }

    func testChunkedUploadArrivingInPieces() async throws {
        let server = try TestServer()
        let client = try server.client()
        let message = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        for byte in message.utf8 {
            try client.send([byte])
        }
        XCTAssertEqual(try client.readResponse().bodyText, "abcde")
        await server.stop()
    }

    func testExpectContinueIsAnsweredBeforeTheBody() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readResponse(expectBody: false)
        XCTAssertEqual(interim.statusLine, "HTTP/1.1 100 Continue")
        try client.send("body")
        let final = try client.readResponse()
        XCTAssertEqual(final.status, 200)
        XCTAssertEqual(final.bodyText, "body")
        await server.stop()
    }

    func testExpectContinueRefusedWithFinalStatusWhenBodyTooLarge() async throws {
        let server = try TestServer(configure: { $0.limits.maxBodyBytes = 1000 })
        let client = try server.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Connection"), "close")
        await server.stop()
    }

    func testNoContinueWhenBodyAlreadySent() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nbody")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyText, "body")
        await server.stop()
    }

    func testLargeBodyInManySegments() async throws {
        let server = try TestServer()
        let client = try server.client()
        let body = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n")
        try client.send(body)
        let response = try client.readResponse()
        XCTAssertEqual(response.body.count, body.count)
        XCTAssertTrue(response.body == body)
        await server.stop()
    }
}
