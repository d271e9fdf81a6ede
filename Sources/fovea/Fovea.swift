import ArgumentParser

/// The `fovea` command: the service itself and the offline tools that share its
/// engine and image pipeline, so what you test offline is what you serve.
@main
struct Fovea: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fovea",
        abstract: "Self-hosted image-classification inference service.",
        subcommands: [ServeCommand.self, ClassifyCommand.self, RunCommand.self, InspectCommand.self, BenchCommand.self]
    )

    static func main() async {
        OpenMPSpinning.applyDefault()
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
