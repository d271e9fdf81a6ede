import FoveaHTTP
import Foundation
import XCTest

/// Real-world clients: curl and Python's http.client.
final class StandardClientTests: XCTestCase {
    func testCurlGetAndUploadWithExpectContinue() async throws {
        let curl = try ExternalCommand.require("/usr/bin/curl")
        let server = try TestServer()
        let base = "http://127.0.0.1:\(server.port)"

        let get = try ExternalCommand.run(curl, ["-sS", "-i", "\(base)/healthz"])
        XCTAssertEqual(get.status, 0, get.stderr)
        XCTAssertTrue(get.stdout.hasPrefix("HTTP/1.1 200 OK\r\n"), get.stdout)
        XCTAssertTrue(get.stdout.hasSuffix("\r\n\r\nok"), get.stdout)

        // curl sends `Expect: 100-continue` for large uploads (the threshold
        // depends on its version, hence explicit here) and waits for the 100.
        let payload = Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0) })
        let upload = try ExternalCommand.run(
            curl,
            ["-sS", "-v", "--data-binary", "@-", "-H", "Content-Type: application/octet-stream",
             "-H", "Expect: 100-continue",
             "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "\(base)/echo"],
            stdin: payload
        )
        XCTAssertEqual(upload.status, 0, upload.stderr)
        XCTAssertEqual(upload.stdout, "200 200000")
        XCTAssertTrue(upload.stderr.contains("Expect: 100-continue"), upload.stderr)
        XCTAssertTrue(upload.stderr.contains("HTTP/1.1 100 Continue"), upload.stderr)

        // Refused before upload: curl gets the 413 instead of a 100.
        let tooLarge = try ExternalCommand.run(
            curl,
            ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@-",
             "-H", "Content-Type: application/octet-stream", "\(base)/echo"],
            stdin: Data(count: 21 * 1024 * 1024)
        )
        XCTAssertEqual(tooLarge.stdout, "413")
        await server.stop()
    }

    func testPythonHTTPClient() async throws {
        let python = try ExternalCommand.require("/usr/bin/python3")
        let server = try TestServer()
        let script = ExternalCommand.testsDirectory.appendingPathComponent("Python/http_client_check.py").path
        let result = try ExternalCommand.run(python, [script, String(server.port)])
        XCTAssertEqual(result.status, 0, result.stderr)
        let observed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [Any]]
        XCTAssertEqual(observed?["healthz"]?.first as? Int, 200)
        XCTAssertEqual(observed?["healthz"]?.last as? String, "ok")
        XCTAssertEqual(observed?["echo"]?[1] as? Bool, true)
        XCTAssertEqual(observed?["echo"]?[2] as? String, "name=café")
        XCTAssertEqual(observed?["chunked"]?.last as? String, "chunk-one,chunk-two")
        XCTAssertEqual(observed?["head"]?[1] as? String, "2")
        XCTAssertEqual(observed?["head"]?[2] as? String, "")
        XCTAssertEqual(observed?["missing"]?.first as? Int, 404)
        XCTAssertEqual(observed?["missing"]?.last as? String, "not_found")
        await server.stop()
    }
}
