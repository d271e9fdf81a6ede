import ArgumentParser
import FoveaServe
import Logging

/// `fovea serve`: runs the HTTP service until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the configured models over HTTP.",
        discussion: """
            Settings come from the configuration file, then FOVEA_* environment \
            variables, then these flags (the most specific wins).
            """)

    @Option(name: .long, help: "Configuration file (YAML).")
    var config: String = "Config/fovea.yaml"

    @Option(name: .long, help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(name: .long, help: "TCP port (overrides server.port).")
    var port: Int?

    @Option(name: .customLong("model"),
            help: ArgumentHelp("Add a model (ImageNet preprocessing); repeatable. The first one is active unless the configuration names one.",
                               valueName: "NAME=PATH[,labels=FILE]"))
    var models: [ModelOption] = []

    @Option(name: .long, help: "The only directory the admin API may load models from (overrides model_dir).")
    var modelDir: String?

    @Option(name: .long, help: "Cores for inference (overrides server.threads).")
    var threads: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535, got \(port)")
        }
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, got \(threads)")
        }
    }

    func run() async throws {
        var configuration = try loadConfiguration(config)
        if let host { configuration.server.host = host }
        if let port { configuration.server.port = port }
        if let modelDir { configuration.modelDirectory = modelDir }
        if let threads { configuration.server.threads = threads }
        for model in models { model.apply(to: &configuration) }

        let logger = makeLogger(label: "fovea", level: logLevel)
        let service = FoveaService(configuration: configuration, logger: logger)
        do {
            try await service.run()
        } catch {
            logger.critical("Fovea stopped: \(error)")
            throw ExitCode.failure
        }
    }
}
