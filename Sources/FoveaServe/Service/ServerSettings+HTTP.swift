import FoveaHTTP

extension ServerSettings {
    /// The HTTP layer's view of the `server:` section.
    var httpConfiguration: HTTPServerConfiguration {
        func seconds(_ value: Double) -> Duration { .nanoseconds(Int64(value * 1e9)) }
        return HTTPServerConfiguration(
            host: host,
            port: port,
            backlog: Int32(clamping: limits.backlog),
            limits: .init(maxHeaderBytes: limits.maxHeaderBytes, maxBodyBytes: limits.maxBodyBytes),
            timeouts: .init(
                headerRead: seconds(timeouts.headerRead),
                bodyRead: seconds(timeouts.bodyRead),
                keepAliveIdle: seconds(timeouts.keepAliveIdle),
                drain: seconds(timeouts.drain)),
            maxConnections: limits.maxConnections,
            maxRequestsPerConnection: limits.maxRequestsPerConnection,
            tls: tls.map { .init(certificateChainPath: $0.certificate, privateKeyPath: $0.privateKey) })
    }
}
