import Foundation
import XCTest

/// A response as seen by a real HTTP client (curl), for over-the-wire tests.
struct CurlResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: String
}

/// Sends one request with curl. Using a separate, standard client keeps the
/// tests honest about what real users see on the wire.
func curl(_ url: String, method: String = "GET", headers: [String: String] = [:],
          bodyFile: String? = nil) throws -> CurlResponse {
    let curlPath = try requireTool("curl")
    let headerFile = FileManager.default.temporaryDirectory.appendingPathComponent("h-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: headerFile) }
    var arguments = ["-s", "-S", "-X", method, "-D", headerFile.path, "--max-time", "30", url]
    for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
    if let bodyFile { arguments += ["--data-binary", "@\(bodyFile)"] }
    let result = try runTool(curlPath, arguments)
    guard result.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: ["curl": result.output]) }
    let head = try String(contentsOf: headerFile, encoding: .utf8)
    // With 100-continue there may be several response heads; the last one counts.
    let blocks = head.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
    let lines = (blocks.last ?? "").components(separatedBy: "\r\n")
    let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return CurlResponse(status: status, headers: headers, body: result.output)
}

/// Sends `count` POSTs of `bodyFile` over one keep-alive connection and
/// returns their status codes, for load while something else happens.
func postRepeatedly(_ url: String, bodyFile: String, count: Int) throws -> [Int] {
    let curlPath = try requireTool("curl")
    // Options reset at each --next, so every transfer repeats them.
    var arguments: [String] = []
    for _ in 0..<count {
        arguments += ["-s", "--max-time", "60", "-H", "Content-Type: image/jpeg", "--data-binary", "@\(bodyFile)",
                      "-o", "/dev/null", "-w", "%{http_code}\\n", url, "--next"]
    }
    arguments.removeLast()
    let result = try runTool(curlPath, arguments)
    return result.output.split(separator: "\n").compactMap { Int($0) }
}
