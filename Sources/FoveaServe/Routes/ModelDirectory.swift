import Foundation

/// The directory the admin API may load models from, and the check that a
/// requested path stays inside it — also through symbolic links.
struct ModelDirectory: Sendable {
    let path: String

    enum Violation: Error, CustomStringConvertible {
        case outside(String)
        var description: String {
            switch self {
            case .outside(let path):
                "'\(path)' is not inside the model directory; give a path relative to it, without '..'"
            }
        }
    }

    /// The absolute path of `relative` inside the directory.
    func resolve(_ relative: String) throws(Violation) -> String {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.isEmpty, !relative.hasPrefix("/"), !components.contains(".."),
              !relative.utf8.contains(0) else {
            throw .outside(relative)
        }
        let root = Self.canonical(path)
        let joined = Self.canonical(root + "/" + relative)
        guard joined.hasPrefix(root + "/") else { throw .outside(relative) }
        return joined
    }

    /// Symlinks resolved where the file exists; a missing file keeps its
    /// lexical path and fails later with a clear "cannot read" error.
    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
