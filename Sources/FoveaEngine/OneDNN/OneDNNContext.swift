import CDNNL

/// Owns the oneDNN CPU engine. Engines are thread-safe in oneDNN; the
/// handle is immutable after creation, hence `@unchecked Sendable`.
final class OneDNNContext: @unchecked Sendable {
    let engine: dnnl_engine_t

    init() throws {
        var engine: dnnl_engine_t?
        try dnnlCheck(dnnl_engine_create(&engine, dnnl_cpu, 0), "create a CPU engine")
        self.engine = engine!
    }

    deinit { dnnl_engine_destroy(engine) }

    func makeStream() throws -> dnnl_stream_t {
        var stream: dnnl_stream_t?
        try dnnlCheck(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "create a stream")
        return stream!
    }
}
