import Hummingbird

// GET /healthz on Hummingbird 2 with default settings; port from argv[1].
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8082 : 8082
let router = Router()
router.get("/healthz") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
