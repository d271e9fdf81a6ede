import ArgumentParser

/// Temporary root command on the engine branch so the engine subcommands can
/// be exercised; the lead's root command replaces this file.
struct Fovea: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fovea",
        subcommands: [RunCommand.self, InspectCommand.self, BenchCommand.self])
}

Fovea.main()
