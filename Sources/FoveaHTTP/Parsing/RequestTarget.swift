/// The path and query of a request target (RFC 9112 §3.2), whichever of the
/// origin, absolute or asterisk forms the client used.
struct RequestTarget: Sendable {
    var path: String
    var queryItems: [HTTPQueryItem]

    init(parsing target: ArraySlice<UInt8>, method: HTTPMethod) throws(HTTPParseError) {
        guard let first = target.first, target.allSatisfy(ASCII.isVisible) else { throw .invalidRequestTarget }
        var pathStart = target.startIndex
        if first == ASCII.asterisk {
            guard target.count == 1, method == .options else { throw .invalidRequestTarget }
            path = "*"
            queryItems = []
            return
        } else if first != ASCII.slash {
            pathStart = try RequestTarget.pathStartOfAbsoluteForm(target)
        }
        let queryStart = target[pathStart...].firstIndex(of: ASCII.questionMark)
        let pathEnd = queryStart ?? target.endIndex
        if pathStart == pathEnd {
            path = "/"
        } else {
            guard let decoded = PercentDecoding.decode(target[pathStart..<pathEnd], plusAsSpace: false) else {
                throw .invalidRequestTarget
            }
            path = decoded
        }
        if let queryStart {
            queryItems = try RequestTarget.parseQuery(target[(queryStart + 1)...])
        } else {
            queryItems = []
        }
    }

    /// Index where the path of `scheme://authority/path?query` starts (or the
    /// end, for `http://host`), after checking the scheme is HTTP(S).
    private static func pathStartOfAbsoluteForm(_ target: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        let separator = Array("://".utf8)
        guard let schemeEnd = target.firstIndex(of: ASCII.colon),
              target[schemeEnd...].starts(with: separator) else { throw .invalidRequestTarget }
        let scheme = target[..<schemeEnd]
        guard ASCII.equalsIgnoringCase(scheme, "http".utf8) || ASCII.equalsIgnoringCase(scheme, "https".utf8) else {
            throw .invalidRequestTarget
        }
        let authorityStart = schemeEnd + separator.count
        let authorityEnd = target[authorityStart...].firstIndex { $0 == ASCII.slash || $0 == ASCII.questionMark }
            ?? target.endIndex
        guard authorityEnd > authorityStart else { throw .invalidRequestTarget }
        return authorityEnd
    }

    private static func parseQuery(_ query: ArraySlice<UInt8>) throws(HTTPParseError) -> [HTTPQueryItem] {
        var items: [HTTPQueryItem] = []
        for pair in query.split(separator: ASCII.ampersand, omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: ASCII.equals)
            let nameBytes = pair[..<(equals ?? pair.endIndex)]
            let valueBytes = equals.map { pair[($0 + 1)...] } ?? []
            guard let name = PercentDecoding.decode(nameBytes, plusAsSpace: true),
                  let value = PercentDecoding.decode(valueBytes, plusAsSpace: true) else {
                throw .invalidRequestTarget
            }
            items.append(HTTPQueryItem(name: name, value: value))
        }
        return items
    }
}
