import Logging

/// What every connection of one server shares: settings, the application,
/// logging, the response encoder and the registry it must leave when closed.
final class ConnectionContext: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let logger: Logger
    let encoder: ResponseEncoder
    let registry: ConnectionRegistry
    let observer: (any HTTPServerObserver)?

    init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger, registry: ConnectionRegistry,
         observer: (any HTTPServerObserver)? = nil) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.encoder = ResponseEncoder(serverName: configuration.serverName)
        self.registry = registry
        self.observer = observer
    }
}
