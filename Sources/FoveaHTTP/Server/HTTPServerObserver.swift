/// Told about the responses the server produces by itself, without calling
/// the responder: malformed requests, exceeded limits, timeouts. Responder
/// middleware never sees those, so request metrics would miss exactly the
/// traffic that shows abuse or misconfigured clients.
public protocol HTTPServerObserver: Sendable {
    /// `method` is nil when the request was refused before its head was
    /// complete (a malformed line, or a body announced over the limit).
    func serverAnswered(method: HTTPMethod?, status: HTTPStatus, duration: Duration)
}
