import FoveaHTTP
import XCTest

final class MultipartFormDataTests: XCTestCase {
    private let boundary = "----FoveaBoundary7MA4YWxk"

    private func body(_ parts: [(headers: String, content: [UInt8])], preamble: String = "", epilogue: String = "") -> [UInt8] {
        var bytes = Array(preamble.utf8)
        for part in parts {
            bytes += Array("--\(boundary)\r\n\(part.headers)\r\n".utf8) + part.content + Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)--\r\n\(epilogue)".utf8)
        return bytes
    }

    func testParsesFieldsFilesAndPerPartContentTypes() throws {
        let image: [UInt8] = [0xFF, 0xD8, 0x0D, 0x0A, 0x2D, 0x2D, 0x00, 0xFF, 0xD9]  // contains CRLF--
        let data = body([
            (#"Content-Disposition: form-data; name="top_k""# + "\r\n", Array("5".utf8)),
            ("Content-Disposition: form-data; name=\"image\"; filename=\"cat \\\"1\\\".jpg\"\r\nContent-Type: image/jpeg\r\n", image),
            ("Content-Disposition: form-data; name=\"empty\"\r\n", []),
        ], preamble: "ignored preamble\r\n", epilogue: "ignored epilogue")
        let form = try MultipartFormData(body: data, boundary: boundary)
        XCTAssertEqual(form.parts.count, 3)
        XCTAssertEqual(form.part(named: "top_k").map { Array($0.body) }, Array("5".utf8))
        XCTAssertNil(form.part(named: "top_k")?.filename)
        let file = try XCTUnwrap(form.part(named: "image"))
        XCTAssertEqual(file.filename, #"cat "1".jpg"#)
        XCTAssertEqual(file.contentType, "image/jpeg")
        XCTAssertEqual(Array(file.body), image)
        XCTAssertEqual(form.part(named: "empty")?.body.isEmpty, true)
    }

    func testPartBodiesShareTheRequestBodyStorage() throws {
        let data = body([("Content-Disposition: form-data; name=\"f\"\r\n", Array(repeating: 7, count: 1000))])
        let form = try MultipartFormData(body: data, boundary: boundary)
        let part = try XCTUnwrap(form.parts.first)
        data.withUnsafeBufferPointer { original in
            part.body.withUnsafeBufferPointer { slice in
                XCTAssertEqual(slice.baseAddress, original.baseAddress! + part.body.startIndex)
            }
        }
    }

    func testBoundaryFromContentType() {
        XCTAssertEqual(MultipartFormData.boundary(fromContentType: "multipart/form-data; boundary=abc"), "abc")
        XCTAssertEqual(MultipartFormData.boundary(fromContentType: #"Multipart/Form-Data; charset=utf-8; boundary="a b""#), "a b")
        XCTAssertNil(MultipartFormData.boundary(fromContentType: "application/json"))
        XCTAssertNil(MultipartFormData.boundary(fromContentType: "multipart/form-data"))
    }

    func testRequestWithoutMultipartContentTypeIsRejected() {
        let request = HTTPRequest(method: .post, target: "/", headers: ["Content-Type": "image/jpeg"])
        XCTAssertThrowsError(try MultipartFormData(request: request)) { error in
            XCTAssertEqual(error as? MultipartError, .notMultipartFormData(contentType: "image/jpeg"))
        }
    }

    func testTruncatedBodiesAreRejected() {
        let complete = body([("Content-Disposition: form-data; name=\"f\"\r\n", Array("value".utf8))])
        for length in [0, 10, 40, complete.count - 30, complete.count - 3] {
            XCTAssertThrowsError(try MultipartFormData(body: Array(complete.prefix(length)), boundary: boundary),
                                 "prefix of \(length) bytes")
        }
        XCTAssertNoThrow(try MultipartFormData(body: complete, boundary: boundary))
    }

    func testMalformedPartHeadersAreRejected() {
        let data = body([("Content-Disposition form-data\r\n", Array("x".utf8))])
        XCTAssertThrowsError(try MultipartFormData(body: data, boundary: boundary)) { error in
            XCTAssertEqual(error as? MultipartError, .malformedPartHeaders)
        }
    }

    func testInvalidBoundaryIsRejected() {
        XCTAssertThrowsError(try MultipartFormData(body: [], boundary: ""))
        XCTAssertThrowsError(try MultipartFormData(body: [], boundary: String(repeating: "b", count: 71)))
    }
}
