/// A path pattern such as `/admin/models/{name}`: literal segments must match
/// exactly, `{name}` segments match any one non-empty segment and capture it.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    public let description: String

    /// Fails with a message naming the problem when `pattern` is not a valid pattern.
    public init(_ pattern: String) throws(RoutePatternError) {
        guard pattern.hasPrefix("/") else { throw .notAbsolute(pattern) }
        var segments: [Segment] = []
        var names: Set<String> = []
        for part in pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                let name = String(part.dropFirst().dropLast())
                guard !name.contains("{"), !name.contains("}"), names.insert(name).inserted else {
                    throw .invalidParameter(pattern)
                }
                segments.append(.parameter(name))
            } else {
                guard !part.contains("{"), !part.contains("}") else { throw .invalidParameter(pattern) }
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
        self.description = pattern
    }

    /// The literal path when the pattern has no parameters (matched by a
    /// dictionary lookup instead of segment by segment).
    var staticPath: String? {
        segments.allSatisfy { if case .literal = $0 { true } else { false } } ? description : nil
    }

    /// Captured parameters if `path` matches.
    func match(_ path: String) -> [String: String]? {
        guard path.hasPrefix("/") else { return nil }
        var parameters: [String: String] = [:]
        var remaining = path.utf8.dropFirst()[...]
        for (index, segment) in segments.enumerated() {
            let end = remaining.firstIndex(of: ASCII.slash) ?? remaining.endIndex
            let part = remaining[..<end]
            switch segment {
            case .literal(let literal):
                guard part.elementsEqual(literal.utf8) else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters[name] = String(Substring(part))
            }
            let isLast = index == segments.count - 1
            if isLast {
                guard end == remaining.endIndex else { return nil }
            } else {
                guard end != remaining.endIndex else { return nil }
                remaining = remaining[remaining.index(after: end)...]
            }
        }
        return parameters
    }
}

public enum RoutePatternError: Error, Sendable, CustomStringConvertible {
    case notAbsolute(String)
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .notAbsolute(let pattern): return "Route pattern '\(pattern)' must start with '/'."
        case .invalidParameter(let pattern):
            return "Route pattern '\(pattern)' has a malformed or repeated '{parameter}' segment; use whole segments like '/models/{name}'."
        }
    }
}
