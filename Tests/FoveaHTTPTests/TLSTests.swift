import FoveaHTTP
import Foundation
import XCTest

/// HTTPS with a self-signed certificate generated for the test by the openssl CLI.
final class TLSTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func makeCertificate() throws -> (certificate: String, key: String) {
        let openssl = try ExternalCommand.require("/usr/bin/openssl")
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let result = try ExternalCommand.run(openssl, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        return (certificate, key)
    }

    private func makeServer(_ files: (certificate: String, key: String)) throws -> TestServer {
        try TestServer(configure: {
            $0.tls = .init(certificateChainPath: files.certificate, privateKeyPath: files.key)
        })
    }

    func testCurlRoundTripOverTLS() async throws {
        let curl = try ExternalCommand.require("/usr/bin/curl")
        let files = try makeCertificate()
        let server = try makeServer(files)
        let base = "https://127.0.0.1:\(server.port)"

        let get = try ExternalCommand.run(curl, ["-sS", "--cacert", files.certificate, "-w", " %{http_code} %{ssl_verify_result}", "\(base)/healthz"])
        XCTAssertEqual(get.status, 0, get.stderr)
        XCTAssertEqual(get.stdout, "ok 200 0")

        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let upload = try ExternalCommand.run(curl, [
            "-sS", "--cacert", files.certificate, "--data-binary", "@-", "-H", "Content-Type: application/octet-stream",
            "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "\(base)/echo",
        ], stdin: payload)
        XCTAssertEqual(upload.status, 0, upload.stderr)
        XCTAssertEqual(upload.stdout, "200 300000")
        await server.stop()
    }

    func testPythonHTTPClientOverTLS() async throws {
        let python = try ExternalCommand.require("/usr/bin/python3")
        let files = try makeCertificate()
        let server = try makeServer(files)
        let script = ExternalCommand.testsDirectory.appendingPathComponent("Python/http_client_check.py").path
        let result = try ExternalCommand.run(python, [script, String(server.port), "--tls", files.certificate])
        XCTAssertEqual(result.status, 0, result.stderr)
        let observed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [Any]]
        XCTAssertEqual(observed?["healthz"]?.last as? String, "ok")
        XCTAssertEqual(observed?["echo"]?[1] as? Bool, true)
        XCTAssertEqual(observed?["chunked"]?.last as? String, "chunk-one,chunk-two")
        await server.stop()
    }

    func testTLS11IsRefused() async throws {
        let curl = try ExternalCommand.require("/usr/bin/curl")
        let files = try makeCertificate()
        let server = try makeServer(files)
        let result = try ExternalCommand.run(curl, [
            "-sS", "-k", "--tlsv1.1", "--tls-max", "1.1", "https://127.0.0.1:\(server.port)/healthz",
        ])
        XCTAssertNotEqual(result.status, 0, "a TLS 1.1 handshake must fail: \(result.stdout)")
        await server.stop()
    }

    func testPlainHTTPOnTheTLSPortIsDroppedWithoutHarm() async throws {
        let files = try makeCertificate()
        let server = try makeServer(files)
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try client.readToEnd()
        XCTAssertEqual(server.server.connectionCount, 0)
        await server.stop()
    }

    func testMissingCertificateIsAnActionableStartError() {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.tls = .init(certificateChainPath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")
        let server = HTTPServer(configuration: configuration, responder: Router(), logger: .init(label: "test"))
        XCTAssertThrowsError(try server.start()) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/cert.pem"), "\(error)")
        }
    }
}
