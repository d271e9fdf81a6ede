import ArgumentParser
import Foundation
import Logging

/// Writes one line to standard error, where diagnostics belong so that
/// standard output stays machine-readable (JSON, tables).
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

/// A logger writing structured lines to standard error at `level`.
func makeLogger(label: String, level: Logger.Level) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = level
    return logger
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
