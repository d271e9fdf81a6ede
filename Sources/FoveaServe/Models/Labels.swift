import Foundation

/// Class names of a model, one per line of its labels file, in the order of
/// the output row.
public struct Labels: Sendable, Equatable {
    public let names: [String]

    public init(names: [String]) { self.names = names }

    /// Reads a labels file. Blank trailing lines are ignored; blank lines in
    /// the middle would shift every later class and are rejected.
    public init(contentsOf path: String) throws(ModelLoadingError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableLabels(path: path, reason: (error as NSError).localizedDescription)
        }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw .invalidLabels(path: path, reason: "the file has no labels") }
        if let blank = lines.firstIndex(of: "") {
            throw .invalidLabels(path: path, reason: "line \(blank + 1) is empty; every class index needs a name")
        }
        names = lines
    }

    /// Unnamed classes are reported by index rather than failing the request.
    public subscript(index: Int) -> String {
        names.indices.contains(index) ? names[index] : "class_\(index)"
    }

    public var count: Int { names.count }
}
