import FoveaHTTP

/// Liveness and readiness, for Kubernetes probes and load balancers.
///
/// `/healthz` answers as long as the process can serve HTTP at all;
/// `/readyz` only once models are warm. Both are cheap constant responses so
/// that frequent probing costs nothing.
struct HealthRoutes {
    let readiness: Readiness

    private static let alive = HTTPResponse.json(bytes: Array(#"{"status":"ok"}"#.utf8))
    private static let ready = HTTPResponse.json(bytes: Array(#"{"status":"ready"}"#.utf8))
    private static let notReady = HTTPResponse.error(
        .serviceUnavailable, code: "not_ready", message: "Models are still loading; retry shortly.")

    func register(on router: inout Router) {
        router.get("/healthz") { _ in Self.alive }
        router.get("/readyz") { [readiness] _ in readiness.isReady ? Self.ready : Self.notReady }
    }
}
