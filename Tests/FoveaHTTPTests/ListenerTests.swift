import FoveaHTTP
import Foundation
import XCTest

/// Binding: dual-stack on "::", ephemeral ports, clear errors.
final class ListenerTests: XCTestCase {
    func testDualStackListenerAcceptsIPv4AndIPv6() async throws {
        let curl = try ExternalCommand.require("/usr/bin/curl")
        let server = try TestServer(configure: { $0.host = "::" })
        for url in ["http://127.0.0.1:\(server.port)/healthz", "http://[::1]:\(server.port)/healthz"] {
            let result = try ExternalCommand.run(curl, ["-sS", "-w", " %{http_code}", url])
            XCTAssertEqual(result.stdout, "ok 200", "\(url): \(result.stderr)")
        }
        await server.stop()
    }

    func testPortInUseIsAnActionableError() async throws {
        let server = try TestServer()
        let second = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: server.port),
            responder: Router(),
            logger: .init(label: "test")
        )
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertTrue("\(error)".contains("port \(server.port)"), "\(error)")
        }
        await server.stop()
    }

    func testResponseHeadersCannotInjectLines() async throws {
        var router = Router()
        router.get("/inject") { _ in
            var response = HTTPResponse.text("body")
            response.headers["X-Evil"] = "a\r\nSet-Cookie: stolen=1"
            response.headers["X-Fine"] = "kept"
            response.headers["Content-Length"] = "999"
            return response
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        try client.send("GET /inject HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertNil(response.header("Set-Cookie"))
        XCTAssertNil(response.header("X-Evil"))
        XCTAssertEqual(response.header("X-Fine"), "kept")
        XCTAssertEqual(response.header("Content-Length"), "4", "framing headers belong to the server")
        XCTAssertEqual(response.bodyText, "body")
        await server.stop()
    }
}
