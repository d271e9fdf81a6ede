/// A header value of the form `value; name=token; name="quoted \" string"`
/// (RFC 9110 §5.6.6), as used by `Content-Type` and `Content-Disposition`.
struct HeaderParameters {
    let value: String
    private let parameters: [(name: String, value: String)]

    init(_ header: String) {
        let bytes = Array(header.utf8)
        var index = 0
        func skipWhitespace() {
            while index < bytes.count, bytes[index] == ASCII.space || bytes[index] == ASCII.tab { index += 1 }
        }
        func readToken() -> String {
            let start = index
            while index < bytes.count, bytes[index] != ASCII.semicolon, bytes[index] != ASCII.equals { index += 1 }
            var end = index
            while end > start, bytes[end - 1] == ASCII.space || bytes[end - 1] == ASCII.tab { end -= 1 }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        skipWhitespace()
        value = readToken()
        var parameters: [(String, String)] = []
        while index < bytes.count {
            // Skip to the next ';' (ignores junk after a quoted value).
            while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
            guard index < bytes.count else { break }
            index += 1
            skipWhitespace()
            let name = readToken()
            guard index < bytes.count, bytes[index] == ASCII.equals else { continue }
            index += 1
            skipWhitespace()
            var parameterValue: [UInt8] = []
            if index < bytes.count, bytes[index] == ASCII.quote {
                index += 1
                while index < bytes.count, bytes[index] != ASCII.quote {
                    if bytes[index] == 0x5C, index + 1 < bytes.count { index += 1 }
                    parameterValue.append(bytes[index])
                    index += 1
                }
                index += 1
            } else {
                while index < bytes.count, bytes[index] != ASCII.semicolon { parameterValue.append(bytes[index]) ; index += 1 }
                while let last = parameterValue.last, last == ASCII.space || last == ASCII.tab { parameterValue.removeLast() }
            }
            if !name.isEmpty { parameters.append((name, String(decoding: parameterValue, as: UTF8.self))) }
        }
        self.parameters = parameters
    }

    /// The first parameter called `name` (case-insensitive).
    subscript(name: String) -> String? {
        parameters.first { ASCII.equalsIgnoringCase($0.name.utf8, name.utf8) }?.value
    }
}
