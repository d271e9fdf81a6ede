/// Incremental HTTP/1.1 request parser over raw bytes.
///
/// Bytes arrive in arbitrary pieces through `append`; `next()` returns one
/// event at a time: the head as soon as the header section is complete (so the
/// server can answer `Expect: 100-continue` or refuse an announced oversized
/// body before it is sent), then the whole decoded body. Limits are enforced
/// while parsing, so a client can never make it buffer more than the header
/// limit plus the body limit. Pipelined requests simply stay buffered until the
/// previous one has been consumed; bytes of a body whose head has not been
/// delivered yet count as buffered, so a caller applying backpressure on
/// `bufferedByteCount` bounds them too.
public struct HTTPRequestParser: Sendable {
    public enum Event: Sendable {
        case head(HTTPRequestHead)
        /// The complete body of the request whose head came last; empty when it has none.
        case body([UInt8])
    }

    private enum State: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytesSeen: Int)
        case bodyComplete
    }

    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the search for the end of the header section (or of a chunk or
    /// trailer line) resumes, so input trickling in byte by byte is scanned
    /// once, not quadratically.
    private var scanIndex = 0
    private var state: State = .head
    private var body: [UInt8] = []
    /// A head `append` parsed before `next()` asked for it, or the error
    /// parsing it met; the next `next()` delivers it. Parsing a head as soon
    /// as it is complete lets the body bytes that follow go straight into
    /// the body, instead of through the staging buffer (which grew by
    /// doubling to hold a whole upload, then was copied out and dropped).
    private var headAhead: Result<HTTPRequestHead, HTTPParseError>?

    /// Up to this much of an announced body is allocated at once, so a
    /// typical upload lands in one allocation instead of a series of
    /// doublings (each a copy, and each a differently sized block left for
    /// the allocator to reuse); a client announcing a large body and sending
    /// little holds no more than this.
    static let announcedBodyReservation = 1 << 20

    public init(maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    /// Bytes received but not yet consumed by `next()`.
    public var bufferedByteCount: Int { stagedByteCount + (headAhead == nil ? 0 : body.count) }

    /// Bytes in the staging buffer not yet parsed.
    private var stagedByteCount: Int { buffer.count - readIndex }

    /// True between requests with nothing buffered: the connection is idle.
    public var isIdle: Bool {
        if case .head = state { return readIndex == buffer.count }
        return false
    }

    /// True while the head of a request has been delivered and its body is
    /// still incomplete.
    public var isReadingBody: Bool {
        guard headAhead == nil else { return false }
        switch state {
        case .head: return false
        default: return true
        }
    }

    /// Whether any byte of the body already arrived, which makes a `100 Continue` pointless.
    public var hasBodyBytes: Bool { !body.isEmpty || stagedByteCount > 0 }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var bytes = bytes[...]
        if readIndex == buffer.count, case .fixedBody(let remaining) = state, remaining > 0 {
            // Body bytes go straight into the body when nothing else is pending,
            // saving a copy through the staging buffer for large uploads.
            let direct = min(remaining, bytes.count)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes.prefix(direct)))
            state = .fixedBody(remaining: remaining - direct)
            bytes = bytes.dropFirst(direct)
        }
        guard !bytes.isEmpty else { return }
        compact()
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes))
        parseHeadAhead()
    }

    private mutating func parseHeadAhead() {
        guard case .head = state, headAhead == nil else { return }
        do throws(HTTPParseError) {
            guard let head = try parseHead() else { return }
            headAhead = .success(head)
            if case .fixedBody(let remaining) = state {
                state = .fixedBody(remaining: takeStagedBody(remaining: remaining))
            }
        } catch {
            headAhead = .failure(error)
        }
    }

    /// Moves the staged bytes of a fixed-length body into the body; returns
    /// how many are still to come.
    private mutating func takeStagedBody(remaining: Int) -> Int {
        let available = min(remaining, stagedByteCount)
        if available > 0 {
            body.append(contentsOf: buffer[readIndex..<(readIndex + available)])
            readIndex += available
        }
        return remaining - available
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete event, `nil` when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> Event? {
        if let ahead = headAhead {
            headAhead = nil
            return .head(try ahead.get())
        }
        while true {
            switch state {
            case .head:
                return try parseHead().map { Event.head($0) }
            case .fixedBody(let remaining):
                let left = takeStagedBody(remaining: remaining)
                guard left == 0 else {
                    state = .fixedBody(remaining: left)
                    return nil
                }
                state = .bodyComplete
            case .chunkSize:
                guard let line = try takeLine(limit: 1024, error: .malformedChunk) else { return nil }
                let size = try parseChunkSize(line)
                if size == 0 {
                    state = .trailers(bytesSeen: 0)
                } else {
                    guard size <= maxBodyBytes - body.count else { throw .bodyTooLarge(limit: maxBodyBytes) }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let available = min(remaining, stagedByteCount)
                body.append(contentsOf: buffer[readIndex..<(readIndex + available)])
                readIndex += available
                guard remaining == available else {
                    state = .chunkData(remaining: remaining - available)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard let line = try takeLine(limit: 2, error: .malformedChunk) else { return nil }
                guard line.isEmpty else { throw .malformedChunk }
                state = .chunkSize
            case .trailers(let bytesSeen):
                let start = readIndex
                guard let line = try takeLine(limit: maxHeaderBytes, error: .headerTooLarge(limit: maxHeaderBytes)) else {
                    return nil
                }
                let seen = bytesSeen + (readIndex - start)
                guard seen <= maxHeaderBytes else { throw .headerTooLarge(limit: maxHeaderBytes) }
                state = line.isEmpty ? .bodyComplete : .trailers(bytesSeen: seen)
            case .bodyComplete:
                state = .head
                var complete: [UInt8] = []
                swap(&complete, &body)
                return .body(complete)
            }
        }
    }

    // MARK: Head

    private mutating func parseHead() throws(HTTPParseError) -> HTTPRequestHead? {
        // Body decoding advances `readIndex` without touching the head scan position.
        scanIndex = max(scanIndex, readIndex)
        // RFC 9112 §2.2: ignore empty lines received before a request line.
        while readIndex < buffer.count, buffer[readIndex] == ASCII.carriageReturn || buffer[readIndex] == ASCII.lineFeed {
            if buffer[readIndex] == ASCII.carriageReturn {
                guard readIndex + 1 < buffer.count else { return nil }
                guard buffer[readIndex + 1] == ASCII.lineFeed else { throw .malformedRequestLine }
                readIndex += 2
            } else {
                readIndex += 1
            }
            scanIndex = readIndex
        }
        guard let headEnd = findHeadEnd() else {
            if stagedByteCount > maxHeaderBytes { throw headSectionTooLargeError() }
            return nil
        }
        guard headEnd - readIndex <= maxHeaderBytes else { throw headSectionTooLargeError() }
        let head = try parseHeadSection(buffer[readIndex..<headEnd])
        readIndex = headEnd
        scanIndex = headEnd
        switch head.bodyFraming {
        case .none: state = .bodyComplete
        case .contentLength(let length):
            state = length == 0 ? .bodyComplete : .fixedBody(remaining: length)
            body.reserveCapacity(min(length, Self.announcedBodyReservation))
        case .chunked: state = .chunkSize
        }
        return head
    }

    /// 414 when the request line alone is over the limit (the URL is what
    /// the client must shorten), 431 otherwise.
    private func headSectionTooLargeError() -> HTTPParseError {
        let lineEnd = buffer[readIndex...].firstIndex(of: ASCII.lineFeed) ?? buffer.count
        return lineEnd - readIndex > maxHeaderBytes
            ? .requestLineTooLong(limit: maxHeaderBytes) : .headerTooLarge(limit: maxHeaderBytes)
    }

    /// Index just past the empty line that ends the header section, if it has arrived.
    private mutating func findHeadEnd() -> Int? {
        var lineStart = scanIndex
        let end = buffer.count
        let found: Int? = buffer.withUnsafeBufferPointer { bytes -> Int? in
            var index = lineStart
            while index < end {
                guard let newline = bytes[index..<end].firstIndex(of: ASCII.lineFeed) else { return nil }
                let lineLength = newline - lineStart
                if lineLength == 0 || (lineLength == 1 && bytes[lineStart] == ASCII.carriageReturn) {
                    return newline + 1
                }
                lineStart = newline + 1
                index = lineStart
            }
            return nil
        }
        if found == nil { scanIndex = lineStart }
        return found
    }

    private func parseHeadSection(_ section: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPRequestHead {
        var lines = HeadLines(section)
        guard let requestLine = try lines.next() else { throw .malformedRequestLine }
        let (method, targetBytes, version) = try parseRequestLine(requestLine)
        let target = try RequestTarget(parsing: targetBytes, method: method)

        var headers = HTTPHeaders()
        var contentLength: Int?
        var sawTransferEncoding = false
        var chunked = false
        var hostCount = 0
        var connectionClose = false
        var connectionKeepAlive = false
        var expectsContinue = false
        while let line = try lines.next(), !line.isEmpty {
            guard line.first != ASCII.space, line.first != ASCII.tab else { throw .obsoleteLineFolding }
            guard let colon = line.firstIndex(of: ASCII.colon), colon > line.startIndex else {
                throw .malformedHeaderField
            }
            let nameBytes = line[..<colon]
            guard nameBytes.allSatisfy(ASCII.isTokenCharacter) else { throw .malformedHeaderField }
            var valueBytes = line[(colon + 1)...]
            while let first = valueBytes.first, first == ASCII.space || first == ASCII.tab { valueBytes.removeFirst() }
            while let last = valueBytes.last, last == ASCII.space || last == ASCII.tab { valueBytes.removeLast() }
            guard valueBytes.allSatisfy(ASCII.isFieldValueByte) else { throw .malformedHeaderField }

            switch HeaderName(nameBytes) {
            case .contentLength:
                let length = try parseContentLength(valueBytes)
                if let contentLength, contentLength != length { throw .invalidContentLength }
                contentLength = length
            case .transferEncoding:
                sawTransferEncoding = true
                chunked = try parseTransferEncoding(valueBytes)
            case .host:
                hostCount += 1
            case .connection:
                forEachToken(valueBytes) { token in
                    if ASCII.equalsIgnoringCase(token, "close".utf8) { connectionClose = true }
                    if ASCII.equalsIgnoringCase(token, "keep-alive".utf8) { connectionKeepAlive = true }
                }
            case .expect:
                guard ASCII.equalsIgnoringCase(valueBytes, "100-continue".utf8) else { throw .unsupportedExpectation }
                expectsContinue = true
            case .other:
                break
            }
            headers.add(
                name: String(decoding: nameBytes, as: UTF8.self),
                value: String(decoding: valueBytes, as: UTF8.self)
            )
        }

        if version == .http1_1 && hostCount != 1 { throw .missingHost }
        if hostCount > 1 { throw .missingHost }
        let framing: HTTPRequestHead.BodyFraming
        if sawTransferEncoding {
            guard contentLength == nil, version == .http1_1 else { throw .conflictingFraming }
            guard chunked else { throw .unsupportedTransferEncoding }
            framing = .chunked
        } else if let contentLength {
            guard contentLength <= maxBodyBytes else { throw .bodyTooLarge(limit: maxBodyBytes) }
            framing = .contentLength(contentLength)
        } else {
            framing = .none
        }
        let keepAlive = version == .http1_1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return HTTPRequestHead(
            method: method,
            target: String(decoding: targetBytes, as: UTF8.self),
            path: target.path,
            queryItems: target.queryItems,
            version: version,
            headers: headers,
            bodyFraming: framing,
            keepAlive: keepAlive,
            expectsContinue: expectsContinue && version == .http1_1 && framing != .none
                && framing != .contentLength(0)
        )
    }

    private func parseRequestLine(
        _ line: ArraySlice<UInt8>
    ) throws(HTTPParseError) -> (HTTPMethod, ArraySlice<UInt8>, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: ASCII.space) else {
            throw .malformedRequestLine
        }
        let methodBytes = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        let versionBytes = line[(secondSpace + 1)...]
        guard !methodBytes.isEmpty, !target.isEmpty else { throw .malformedRequestLine }
        guard methodBytes.allSatisfy(ASCII.isTokenCharacter) else { throw .invalidMethod }
        let version = try parseVersion(versionBytes)
        return (HTTPRequestParser.method(methodBytes), target, version)
    }

    private static let commonMethods: [HTTPMethod] = [.get, .post, .head, .put, .delete, .patch, .options]

    /// Reuses the shared method strings for common methods, avoiding an
    /// allocation per request.
    private static func method(_ bytes: ArraySlice<UInt8>) -> HTTPMethod {
        for method in commonMethods where method.rawValue.utf8.elementsEqual(bytes) { return method }
        return HTTPMethod(String(decoding: bytes, as: UTF8.self))
    }

    private func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8) else { throw .malformedRequestLine }
        let major = bytes[bytes.startIndex + 5]
        let dot = bytes[bytes.startIndex + 6]
        let minor = bytes[bytes.startIndex + 7]
        guard ASCII.isDigit(major), dot == UInt8(ascii: "."), ASCII.isDigit(minor) else { throw .malformedRequestLine }
        guard major == UInt8(ascii: "1") else { throw .unsupportedVersion }
        return minor == UInt8(ascii: "0") ? .http1_0 : .http1_1
    }

    private func parseContentLength(_ value: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var result: Int?
        var sawElement = false
        for element in value.split(separator: ASCII.comma, omittingEmptySubsequences: false) {
            var digits = element
            while let first = digits.first, first == ASCII.space || first == ASCII.tab { digits.removeFirst() }
            while let last = digits.last, last == ASCII.space || last == ASCII.tab { digits.removeLast() }
            guard !digits.isEmpty, digits.allSatisfy(ASCII.isDigit) else { throw .invalidContentLength }
            var number = 0
            for digit in digits {
                let (scaled, overflow) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = scaled.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                // Anything that overflows is certainly above the body limit.
                if overflow || overflow2 { throw .bodyTooLarge(limit: maxBodyBytes) }
                number = sum
            }
            if let result, result != number { throw .invalidContentLength }
            result = number
            sawElement = true
        }
        guard sawElement, let result else { throw .invalidContentLength }
        return result
    }

    /// Whether the codings end in `chunked`, the only framing we decode; other
    /// codings (gzip, ...) are refused because we would have to decompress.
    private func parseTransferEncoding(_ value: ArraySlice<UInt8>) throws(HTTPParseError) -> Bool {
        var codings: [ArraySlice<UInt8>] = []
        forEachToken(value) { codings.append($0) }
        guard codings.count == 1, ASCII.equalsIgnoringCase(codings[0], "chunked".utf8) else {
            throw .unsupportedTransferEncoding
        }
        return true
    }

    private func forEachToken(_ value: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Void) {
        for element in value.split(separator: ASCII.comma) {
            var token = element
            while let first = token.first, first == ASCII.space || first == ASCII.tab { token.removeFirst() }
            while let last = token.last, last == ASCII.space || last == ASCII.tab { token.removeLast() }
            if !token.isEmpty { body(token) }
        }
    }

    // MARK: Chunked framing

    private func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var digits = 0
        var index = line.startIndex
        while index < line.endIndex, let value = ASCII.hexValue(line[index]) {
            guard size <= (Int.max - 15) / 16 else { throw .bodyTooLarge(limit: maxBodyBytes) }
            size = size * 16 + Int(value)
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw .malformedChunk }
        while index < line.endIndex, line[index] == ASCII.space || line[index] == ASCII.tab { index += 1 }
        guard index == line.endIndex || line[index] == ASCII.semicolon else { throw .malformedChunk }
        return size
    }

    /// Consumes one line (without its CRLF or bare LF) if it is complete; a line
    /// longer than `limit` fails with `error`.
    private mutating func takeLine(limit: Int, error: HTTPParseError) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        let searchEnd = min(buffer.count, readIndex + limit + 2)
        // Resume where the last search stopped: a line trickling in byte by
        // byte must not be rescanned from its start every time.
        let searchStart = min(max(scanIndex, readIndex), searchEnd)
        guard let newline = buffer[searchStart..<searchEnd].firstIndex(of: ASCII.lineFeed) else {
            if searchEnd - readIndex >= limit + 2 { throw error }
            scanIndex = searchEnd
            return nil
        }
        var lineEnd = newline
        if lineEnd > readIndex, buffer[lineEnd - 1] == ASCII.carriageReturn { lineEnd -= 1 }
        let line = buffer[readIndex..<lineEnd]
        readIndex = newline + 1
        scanIndex = readIndex
        guard line.count <= limit else { throw error }
        return line
    }

    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            scanIndex = max(scanIndex - readIndex, 0)
            readIndex = 0
        } else if readIndex > 32 * 1024 && readIndex > buffer.count / 2 {
            buffer.removeFirst(readIndex)
            scanIndex = max(scanIndex - readIndex, 0)
            readIndex = 0
        }
    }
}

/// Splits a header section into lines ending in CRLF (or a bare LF, which RFC
/// 9112 §2.2 lets recipients accept), rejecting a stray CR inside a line.
private struct HeadLines {
    private var remaining: ArraySlice<UInt8>

    init(_ section: ArraySlice<UInt8>) { remaining = section }

    mutating func next() throws(HTTPParseError) -> ArraySlice<UInt8>? {
        guard let newline = remaining.firstIndex(of: ASCII.lineFeed) else { return nil }
        var line = remaining[..<newline]
        remaining = remaining[(newline + 1)...]
        if line.last == ASCII.carriageReturn { line.removeLast() }
        if line.contains(ASCII.carriageReturn) { throw .malformedHeaderField }
        return line
    }
}

/// The header names the parser itself interprets.
private enum HeaderName {
    case contentLength, transferEncoding, host, connection, expect, other

    init(_ name: ArraySlice<UInt8>) {
        switch name.count {
        case 4 where ASCII.equalsIgnoringCase(name, "host".utf8): self = .host
        case 6 where ASCII.equalsIgnoringCase(name, "expect".utf8): self = .expect
        case 10 where ASCII.equalsIgnoringCase(name, "connection".utf8): self = .connection
        case 14 where ASCII.equalsIgnoringCase(name, "content-length".utf8): self = .contentLength
        case 17 where ASCII.equalsIgnoringCase(name, "transfer-encoding".utf8): self = .transferEncoding
        default: self = .other
        }
    }
}
