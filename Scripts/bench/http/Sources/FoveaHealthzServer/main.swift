import FoveaHTTP
import Foundation
import Logging

// GET /healthz on FoveaHTTP; port from argv[1]. Access logging is off so the
// benchmark measures the server, not the terminal.
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8081 : 8081
var logger = Logger(label: "bench")
logger.logLevel = .warning
var router = Router()
router.get("/healthz") { _ in .text("ok") }
let configuration = HTTPServerConfiguration(host: "127.0.0.1", port: port, accessLogLevel: .debug)
let server = HTTPServer(configuration: configuration, responder: router, logger: logger)
try await server.run()
