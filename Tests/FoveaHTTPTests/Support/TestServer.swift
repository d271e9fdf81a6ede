import FoveaHTTP
import Logging
import XCTest

/// Starts a server on an ephemeral loopback port for the duration of a test.
final class TestServer {
    let server: HTTPServer
    let port: Int

    init(
        configure: (inout HTTPServerConfiguration) -> Void = { _ in },
        responder: some HTTPResponder = TestServer.defaultRouter(),
        logger: Logger? = nil
    ) throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configure(&configuration)
        var defaultLogger = Logger(label: "fovea.http.test")
        defaultLogger.logLevel = ProcessInfo.processInfo.environment["FOVEA_TEST_LOG"] == nil ? .critical : .trace
        server = HTTPServer(configuration: configuration, responder: responder, logger: logger ?? defaultLogger)
        try server.start()
        port = try XCTUnwrap(server.port)
    }

    func client(timeout: TimeInterval = 5) throws -> RawHTTPClient {
        try RawHTTPClient(port: port, timeout: timeout)
    }

    func stop() async {
        await server.shutdown(drainTimeout: .seconds(2))
    }

    /// Routes the tests rely on: `/healthz`, `/echo` (body and selected
    /// request facts back), `/models/{name}` and `/slow` (suspends 200 ms).
    static func defaultRouter() -> Router {
        var router = Router()
        router.get("/healthz") { _ in .text("ok") }
        router.post("/echo") { request in
            var response = HTTPResponse(body: request.body)
            response.headers["X-Echo-Method"] = request.method.rawValue
            response.headers["X-Echo-Path"] = request.path
            response.headers["X-Echo-Query"] = request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
            return response
        }
        router.get("/models/{name}") { request in
            .text("model \(request.pathParameters["name"] ?? "?")")
        }
        router.get("/slow") { _ in
            try await Task.sleep(for: .milliseconds(200))
            return .text("slow")
        }
        router.get("/sequence/{n}") { request in
            .text(request.pathParameters["n"] ?? "")
        }
        return router
    }
}
