import Foundation
import XCTest

/// Runs a tool and returns its exit status and combined output; `stdin` is
/// written to its standard input.
func runTool(_ executable: String, _ arguments: [String], stdin: Data = Data()) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    input.fileHandleForWriting.write(stdin)
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Finds a tool that `make test` installs; fails the test (not skips it) when
/// absent, so a missing install step cannot pass CI silently.
func requireTool(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/\(name)" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let path else {
        XCTFail("\(name) is not installed; `make test` installs it", file: file, line: line)
        throw CocoaError(.fileNoSuchFile)
    }
    return path
}
