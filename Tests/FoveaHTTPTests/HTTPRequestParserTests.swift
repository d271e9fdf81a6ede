import FoveaHTTP
import XCTest

/// The parser on its own, fed byte strings in arbitrary pieces.
final class HTTPRequestParserTests: XCTestCase {
    private func parseAll(_ text: String, pieceSize: Int = .max) throws -> [(HTTPRequestHead, [UInt8])] {
        var parser = HTTPRequestParser(maxHeaderBytes: 16 * 1024, maxBodyBytes: 1 << 20)
        let bytes = Array(text.utf8)
        var requests: [(HTTPRequestHead, [UInt8])] = []
        var head: HTTPRequestHead?
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + min(pieceSize, bytes.count))
            parser.append(Array(bytes[offset..<end]))
            offset = end
            while let event = try parser.next() {
                switch event {
                case .head(let parsed): head = parsed
                case .body(let body):
                    requests.append((try XCTUnwrap(head), body))
                }
            }
        }
        return requests
    }

    func testChunkedBodyWithExtensionsAndTrailersFollowedByAnotherRequest() throws {
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: ignored\r\n\r\n"
            + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
        for pieceSize in [1, 2, 7, .max] {
            let requests = try parseAll(text, pieceSize: pieceSize)
            XCTAssertEqual(requests.count, 2, "piece size \(pieceSize)")
            XCTAssertEqual(requests.first.map { String(decoding: $0.1, as: UTF8.self) }, "hello 0123456789")
            XCTAssertEqual(requests.last?.0.path, "/b")
        }
    }

    func testPipelinedFixedLengthBodiesArriveWholeWhateverTheirPieces() throws {
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
            + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            + "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"
        for pieceSize in [1, 3, 50, 70, .max] {
            let requests = try parseAll(text, pieceSize: pieceSize)
            XCTAssertEqual(requests.map(\.0.path), ["/a", "/b", "/c"], "piece size \(pieceSize)")
            XCTAssertEqual(requests.map { String(decoding: $0.1, as: UTF8.self) }, ["hello world", "abc", ""])
        }
    }

    /// The head is parsed as soon as it is complete, so the body goes
    /// straight into place; until the caller has taken the head, those body
    /// bytes still count as buffered, which is what backpressure looks at.
    func testBodyBytesBehindAnUntakenHeadCountAsBuffered() throws {
        var parser = HTTPRequestParser(maxHeaderBytes: 1024, maxBodyBytes: 1 << 20)
        parser.append(Array("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n".utf8))
        parser.append([UInt8](repeating: 7, count: 30_000))
        XCTAssertGreaterThanOrEqual(parser.bufferedByteCount, 30_000)
        parser.append([UInt8](repeating: 7, count: 30_000))
        XCTAssertGreaterThanOrEqual(parser.bufferedByteCount, 60_000)
        XCTAssertFalse(parser.isReadingBody, "the head has not been delivered yet")

        guard case .head(let head)? = try parser.next() else { return XCTFail("expected the head") }
        XCTAssertEqual(head.path, "/u")
        XCTAssertEqual(parser.bufferedByteCount, 0, "body bytes belong to the delivered request now")
        XCTAssertTrue(parser.isReadingBody)
        XCTAssertTrue(parser.hasBodyBytes)
        XCTAssertNil(try parser.next())
        parser.append([UInt8](repeating: 7, count: 40_000))
        guard case .body(let body)? = try parser.next() else { return XCTFail("expected the body") }
        XCTAssertEqual(body, [UInt8](repeating: 7, count: 100_000))
        XCTAssertTrue(parser.isIdle)
    }

    func testHeadersAreCaseInsensitiveAndRepeatable() throws {
        let requests = try parseAll("GET / HTTP/1.1\r\nhost: x\r\nAccept: a\r\naccept: b\r\n\r\n")
        let headers = try XCTUnwrap(requests.first?.0.headers)
        XCTAssertEqual(headers["HOST"], "x")
        XCTAssertEqual(headers.values(for: "ACCEPT"), ["a", "b"])
    }

    func testBareLineFeedsAndLeadingEmptyLinesAreTolerated() throws {
        let requests = try parseAll("\r\n\nGET /x HTTP/1.1\nHost: x\n\n")
        XCTAssertEqual(requests.first?.0.path, "/x")
    }

    func testKeepAliveSemanticsPerVersion() throws {
        XCTAssertEqual(try parseAll("GET / HTTP/1.1\r\nHost: x\r\n\r\n").first?.0.keepAlive, true)
        XCTAssertEqual(try parseAll("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").first?.0.keepAlive, false)
        XCTAssertEqual(try parseAll("GET / HTTP/1.0\r\n\r\n").first?.0.keepAlive, false)
        XCTAssertEqual(try parseAll("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").first?.0.keepAlive, true)
    }

    func testAbsoluteAndAsteriskForms() throws {
        let absolute = try parseAll("GET HTTP://h:1/p%20q?x=%41 HTTP/1.1\r\nHost: h\r\n\r\n").first?.0
        XCTAssertEqual(absolute?.path, "/p q")
        XCTAssertEqual(absolute?.queryItems, [HTTPQueryItem(name: "x", value: "A")])
        XCTAssertEqual(try parseAll("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n").first?.0.path, "/")
        XCTAssertEqual(try parseAll("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").first?.0.path, "*")
        XCTAssertThrowsError(try parseAll("GET * HTTP/1.1\r\nHost: h\r\n\r\n"))
        XCTAssertThrowsError(try parseAll("GET ftp://h/x HTTP/1.1\r\nHost: h\r\n\r\n"))
    }

    func testRejectsEncodedNulAndInvalidUTF8InPath() {
        XCTAssertThrowsError(try parseAll("GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n"))
        XCTAssertThrowsError(try parseAll("GET /a%FFb HTTP/1.1\r\nHost: h\r\n\r\n"))
    }

    func testRejectsControlCharactersInHeaderValues() {
        XCTAssertThrowsError(try parseAll("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{01}b\r\n\r\n")) { error in
            XCTAssertEqual(error as? HTTPParseError, .malformedHeaderField)
        }
        XCTAssertThrowsError(try parseAll("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"))
    }

    func testRequestLineLongerThanTheLimitIs414EvenWhenComplete() {
        var parser = HTTPRequestParser(maxHeaderBytes: 100, maxBodyBytes: 100)
        parser.append(Array("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: h\r\n\r\n".utf8))
        XCTAssertThrowsError(try parser.next()) { error in
            XCTAssertEqual(error as? HTTPParseError, .requestLineTooLong(limit: 100))
        }
    }

    func testHugeContentLengthIsTooLargeNotInvalid() {
        XCTAssertThrowsError(try parseAll("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n")) { error in
            XCTAssertEqual(error as? HTTPParseError, .bodyTooLarge(limit: 1 << 20))
        }
    }

    func testIdenticalRepeatedContentLengthsAreAccepted() throws {
        let requests = try parseAll("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nab")
        XCTAssertEqual(requests.first?.1, Array("ab".utf8))
    }
}
