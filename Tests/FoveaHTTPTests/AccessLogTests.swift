import FoveaHTTP
import Logging
import XCTest

/// Every response, including protocol errors, is written to the access log
/// with its method, path, status, size, duration and request id.
final class AccessLogTests: XCTestCase {
    private func accessRecords(_ sink: RecordingLogHandler.Sink) -> [RecordingLogHandler.Record] {
        sink.records.filter { $0.message == "request" }
    }

    func testCompletedRequestsAreLoggedWithStructuredFields() async throws {
        let sink = RecordingLogHandler.Sink()
        let logger = Logger(label: "access") { _ in RecordingLogHandler(sink: sink) }
        let server = try TestServer(logger: logger)
        let client = try server.client()
        try client.send("GET /models/resnet?x=1 HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc-123\r\n\r\n")
        let response = try client.readResponse()
        try client.send("BROKEN\r\n\r\n")
        _ = try client.readResponse()
        await server.stop()

        let records = accessRecords(sink)
        XCTAssertEqual(records.count, 2)
        let first = try XCTUnwrap(records.first)
        XCTAssertEqual(first.level, .info)
        XCTAssertEqual(first.metadata["method"], "GET")
        XCTAssertEqual(first.metadata["path"], "/models/resnet")
        XCTAssertEqual(first.metadata["status"], "200")
        XCTAssertEqual(first.metadata["request_id"], "abc-123")
        XCTAssertEqual(response.header("X-Request-ID"), "abc-123")
        XCTAssertNotNil(first.metadata["bytes"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil })
        XCTAssertNotNil(first.metadata["duration_ms"].flatMap(Double.init))
        XCTAssertEqual(records.last?.metadata["status"], "400")
    }

    func testAccessLogLevelIsConfigurable() async throws {
        let sink = RecordingLogHandler.Sink()
        var logger = Logger(label: "access") { _ in RecordingLogHandler(sink: sink) }
        logger.logLevel = .info
        let server = try TestServer(configure: { $0.accessLogLevel = .debug }, logger: logger)
        let client = try server.client()
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try client.readResponse()
        await server.stop()
        XCTAssertTrue(accessRecords(sink).isEmpty)
    }
}
