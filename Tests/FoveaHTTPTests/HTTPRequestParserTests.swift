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
