import ArgumentParser
import Foundation
import FoveaServe
import Logging

/// Writes one line to standard error, where diagnostics belong so that
/// standard output stays machine-readable (JSON, tables).
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// Reads a configuration file; a problem is printed (it names the file and
/// the key) and ends the command with a failure status.
func loadConfiguration(_ path: String) throws -> ServiceConfiguration {
    do {
        return try ConfigurationLoader().load(file: path)
    } catch {
        printError("\(error)")
        throw ExitCode.failure
    }
}

/// A logger writing structured lines to standard error at `level`.
func makeLogger(label: String, level: Logger.Level) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = level
    return logger
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
