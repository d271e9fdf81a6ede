/// One complete request as handed to an `HTTPResponder`: head, fully read body,
/// and what the server and router learned about it.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as sent (origin-, absolute- or asterisk-form).
    public var target: String
    /// The percent-decoded path of the target, e.g. `/v1/models/resnet 50`.
    public var path: String
    /// Percent-decoded `name=value` pairs of the query string, in order.
    public var queryItems: [HTTPQueryItem]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The decoded body (chunked framing removed).
    public var body: [UInt8]
    /// The client's `X-Request-ID` when it sent a usable one, otherwise a fresh
    /// id; echoed on the response and written to the access log.
    public var requestID: String
    /// Values captured by `{name}` segments of the matching route.
    public var pathParameters: [String: String]
    /// Peer address as `host:port` (`[v6]:port` for IPv6), when known.
    public var remoteAddress: String?

    /// Builds a request from a raw target, as the parser does; useful for
    /// exercising responders without sockets. An undecodable target leaves
    /// `path` equal to `target` and the query empty.
    public init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        requestID: String = "",
        remoteAddress: String? = nil
    ) {
        let parsed = try? RequestTarget(parsing: Array(target.utf8)[...], method: method)
        self.init(
            method: method,
            target: target,
            path: parsed?.path ?? target,
            queryItems: parsed?.queryItems ?? [],
            version: version,
            headers: headers,
            body: body,
            requestID: requestID,
            remoteAddress: remoteAddress
        )
    }

    init(
        method: HTTPMethod,
        target: String,
        path: String,
        queryItems: [HTTPQueryItem],
        version: HTTPVersion,
        headers: HTTPHeaders,
        body: [UInt8],
        requestID: String,
        remoteAddress: String?
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.queryItems = queryItems
        self.version = version
        self.headers = headers
        self.body = body
        self.requestID = requestID
        self.pathParameters = [:]
        self.remoteAddress = remoteAddress
    }

    /// Query parameters by name; when a name repeats, the first value wins
    /// (use `queryItems` to see every value).
    public var queryParameters: [String: String] {
        var result: [String: String] = [:]
        for item in queryItems where result[item.name] == nil {
            result[item.name] = item.value
        }
        return result
    }
}

/// One percent-decoded `name=value` pair from a query string.
public struct HTTPQueryItem: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
