import FoveaHTTP
import XCTest

/// Malformed or oversized requests get the right status and a JSON error,
/// then the connection is closed (the framing of what follows is unknown).
final class RequestErrorTests: XCTestCase {
    private func assertRejected(
        _ request: String,
        status: Int,
        code: String,
        configure: (inout HTTPServerConfiguration) -> Void = { _ in },
        file: StaticString = #filePath,
        line: UInt = #line
    ) async throws {
        let server = try TestServer(configure: configure)
        let client = try server.client()
        try client.send(request)
        let response = try client.readResponse()
        XCTAssertEqual(response.status, status, file: file, line: line)
        XCTAssertEqual(response.errorCode, code, file: file, line: line)
        XCTAssertEqual(response.header("Connection"), "close", file: file, line: line)
        XCTAssertEqual(response.header("Content-Type"), "application/json", file: file, line: line)
        XCTAssertNotNil(response.header("X-Request-ID"), file: file, line: line)
        XCTAssertTrue(try client.readsEndOfStream(), file: file, line: line)
        await server.stop()
    }

    func testMalformedRequestLineIs400() async throws {
        try await assertRejected("GARBAGE\r\n\r\n", status: 400, code: "malformed_request_line")
        try await assertRejected("GET /healthz\r\nHost: x\r\n\r\n", status: 400, code: "malformed_request_line")
        try await assertRejected("GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, code: "malformed_request_line")
    }

    func testInvalidTargetIs400() async throws {
        try await assertRejected("GET healthz HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, code: "invalid_request_target")
        try await assertRejected("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n", status: 400, code: "invalid_request_target")
    }

    func testUnsupportedVersionIs505() async throws {
        try await assertRejected("GET / HTTP/2.0\r\nHost: x\r\n\r\n", status: 505, code: "http_version_not_supported")
    }

    func testMissingHostOnHTTP11Is400() async throws {
        try await assertRejected("GET /healthz HTTP/1.1\r\n\r\n", status: 400, code: "missing_host")
    }

    func testObsoleteLineFoldingIs400() async throws {
        try await assertRejected(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: part one\r\n  part two\r\n\r\n",
            status: 400, code: "obsolete_line_folding"
        )
    }

    func testSpaceBeforeColonIs400() async throws {
        try await assertRejected("GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", status: 400, code: "malformed_header")
    }

    func testConflictingContentLengthsAre400() async throws {
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            status: 400, code: "invalid_content_length"
        )
    }

    func testContentLengthWithTransferEncodingIs400() async throws {
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            status: 400, code: "conflicting_framing"
        )
    }

    func testUnknownTransferEncodingIs501() async throws {
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
            status: 501, code: "unsupported_transfer_encoding"
        )
    }

    func testBadChunkSizeIs400() async throws {
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            status: 400, code: "malformed_chunk"
        )
    }

    func testMissingCRLFAfterChunkIs400() async throws {
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
            status: 400, code: "malformed_chunk"
        )
    }

    func testOversizedHeaderIs431() async throws {
        let big = String(repeating: "a", count: 20_000)
        try await assertRejected("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n", status: 431, code: "header_too_large")
    }

    func testHeaderLimitIsConfigurable() async throws {
        let value = String(repeating: "a", count: 600)
        try await assertRejected(
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(value)\r\n\r\n",
            status: 431, code: "header_too_large",
            configure: { $0.limits.maxHeaderBytes = 512 }
        )
    }

    func testOverlongRequestLineIs414() async throws {
        let path = "/" + String(repeating: "p", count: 20_000)
        try await assertRejected("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n", status: 414, code: "uri_too_long")
    }

    /// The 413 arrives although not a single body byte was sent.
    func testOversizedContentLengthIs413BeforeUpload() async throws {
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000001\r\n\r\n",
            status: 413, code: "body_too_large",
            configure: { $0.limits.maxBodyBytes = 1_000_000 }
        )
    }

    func testOversizedChunkedBodyIs413() async throws {
        let chunk = String(repeating: "x", count: 600)
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n",
            status: 413, code: "body_too_large",
            configure: { $0.limits.maxBodyBytes = 1000 }
        )
    }

    func testUnknownExpectationIs417() async throws {
        try await assertRejected(
            "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx",
            status: 417, code: "expectation_failed"
        )
    }

    func testUnsupportedMethodIs405WithAllow() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.errorCode, "method_not_allowed")
        XCTAssertEqual(response.header("Allow"), "GET, HEAD")
        // Routing errors are ordinary responses: the connection stays usable.
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        await server.stop()
    }

    func testUnknownPathIs404() async throws {
        let server = try TestServer()
        let client = try server.client()
        try client.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.errorCode, "not_found")
        await server.stop()
    }
}
