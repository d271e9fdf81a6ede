import FoveaHTTP

/// Checks `Authorization: Bearer <token>` in constant time, so response
/// timing reveals nothing about how much of a guessed token was right.
struct BearerTokenAuthenticator: Sendable {
    private let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    func authenticate(_ request: HTTPRequest) throws(HTTPError) {
        guard let header = request.headers["Authorization"], header.count > 7,
              header.prefix(7).lowercased() == "bearer ",
              Self.constantTimeEquals(Array(header.dropFirst(7).utf8), token)
        else {
            throw HTTPError(.unauthorized, code: "unauthorized",
                            message: "The admin API needs 'Authorization: Bearer <token>' with the configured admin token.",
                            headers: ["WWW-Authenticate": #"Bearer realm="fovea-admin""#])
        }
    }

    /// Touches every byte of the longer input whatever the contents.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
