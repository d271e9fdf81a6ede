/// Serializes responses straight into a connection's output buffer.
///
/// The server owns the framing and bookkeeping headers listed in
/// `reservedHeaderNames`; a responder's values for them are dropped so a
/// handler can never desynchronize the framing. Fields whose name or value
/// would break the message (CR, LF, NUL, non-token names) are dropped too,
/// which makes response splitting through reflected input impossible.
struct ResponseEncoder {
    private let serverLine: [UInt8]

    init(serverName: String) {
        let sanitized = serverName.utf8.filter(ASCII.isFieldValueByte)
        serverLine = Array("Server: ".utf8) + sanitized + [ASCII.carriageReturn, ASCII.lineFeed]
    }

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends `response` and returns how many bytes were added.
    @discardableResult
    func append(
        _ response: HTTPResponse,
        requestID: String,
        keepAlive: Bool,
        omitBody: Bool,
        date: [UInt8],
        to output: inout [UInt8]
    ) -> Int {
        let start = output.count
        let status = response.status
        output.append(contentsOf: "HTTP/1.1 ".utf8)
        ResponseEncoder.appendDecimal(status.code, to: &output)
        output.append(ASCII.space)
        output.append(contentsOf: status.reasonPhrase.utf8.lazy.filter(ASCII.isFieldValueByte))
        output.append(contentsOf: ResponseEncoder.crlf)
        output.append(contentsOf: serverLine)
        output.append(contentsOf: "Date: ".utf8)
        output.append(contentsOf: date)
        output.append(contentsOf: ResponseEncoder.crlf)
        output.append(contentsOf: "X-Request-ID: ".utf8)
        output.append(contentsOf: requestID.utf8)
        output.append(contentsOf: ResponseEncoder.crlf)
        output.append(contentsOf: keepAlive ? ResponseEncoder.keepAliveLine : ResponseEncoder.closeLine)

        var declaredLength: Int?
        for field in response.headers {
            if let reserved = ResponseEncoder.reservedHeader(field.name) {
                if reserved == .contentLength, omitBody, response.body.isEmpty, let value = Int(field.value), value >= 0 {
                    declaredLength = value
                }
                continue
            }
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(ASCII.isTokenCharacter),
                  field.value.utf8.allSatisfy(ASCII.isFieldValueByte) else { continue }
            output.append(contentsOf: field.name.utf8)
            output.append(contentsOf: ": ".utf8)
            output.append(contentsOf: field.value.utf8)
            output.append(contentsOf: ResponseEncoder.crlf)
        }
        if status.allowsBody {
            output.append(contentsOf: "Content-Length: ".utf8)
            ResponseEncoder.appendDecimal(declaredLength ?? response.body.count, to: &output)
            output.append(contentsOf: ResponseEncoder.crlf)
        }
        output.append(contentsOf: ResponseEncoder.crlf)
        if status.allowsBody && !omitBody {
            output.append(contentsOf: response.body)
        }
        return output.count - start
    }

    private enum ReservedHeader {
        case contentLength, other
    }

    private static func reservedHeader(_ name: String) -> ReservedHeader? {
        let utf8 = name.utf8
        switch utf8.count {
        case 4 where ASCII.equalsIgnoringCase(utf8, "date".utf8): return .other
        case 6 where ASCII.equalsIgnoringCase(utf8, "server".utf8): return .other
        case 10 where ASCII.equalsIgnoringCase(utf8, "connection".utf8): return .other
        case 10 where ASCII.equalsIgnoringCase(utf8, "keep-alive".utf8): return .other
        case 12 where ASCII.equalsIgnoringCase(utf8, "x-request-id".utf8): return .other
        case 14 where ASCII.equalsIgnoringCase(utf8, "content-length".utf8): return .contentLength
        case 17 where ASCII.equalsIgnoringCase(utf8, "transfer-encoding".utf8): return .other
        default: return nil
        }
    }

    private static let crlf: [UInt8] = [ASCII.carriageReturn, ASCII.lineFeed]
    private static let keepAliveLine = Array("Connection: keep-alive\r\n".utf8)
    private static let closeLine = Array("Connection: close\r\n".utf8)

    static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            output.append(contentsOf: buffer[(20 - count)...])
        }
    }
}
