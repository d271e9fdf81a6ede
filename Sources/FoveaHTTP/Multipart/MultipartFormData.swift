import Glibc

/// A parsed `multipart/form-data` body (RFC 7578, framing from RFC 2046 §5.1).
///
/// Parsing only records where each part's headers and content are; part
/// bodies are slices of the original request body.
public struct MultipartFormData: Sendable {
    public let parts: [MultipartPart]

    public static let maxParts = 1000
    public static let maxPartHeaderBytes = 16 * 1024

    /// Parses the body of `request`, taking the boundary from its `Content-Type`.
    public init(request: HTTPRequest) throws(MultipartError) {
        let contentType = request.headers["Content-Type"]
        guard let contentType, let boundary = MultipartFormData.boundary(fromContentType: contentType) else {
            throw .notMultipartFormData(contentType: contentType)
        }
        try self.init(body: request.body, boundary: boundary)
    }

    public init(body: [UInt8], boundary: String) throws(MultipartError) {
        let boundaryBytes = Array(boundary.utf8)
        guard (1...70).contains(boundaryBytes.count) else { throw .invalidBoundary }
        parts = try MultipartFormData.parse(body, boundary: boundaryBytes)
    }

    /// The first part whose form field name is `name`.
    public func part(named name: String) -> MultipartPart? {
        parts.first { $0.name == name }
    }

    /// The `boundary` parameter of a `multipart/form-data` media type.
    public static func boundary(fromContentType contentType: String) -> String? {
        let parameters = HeaderParameters(contentType)
        guard ASCII.equalsIgnoringCase(parameters.value.utf8, "multipart/form-data".utf8) else { return nil }
        return parameters["boundary"]
    }

    private static func parse(_ body: [UInt8], boundary: [UInt8]) throws(MultipartError) -> [MultipartPart] {
        // Every delimiter after the first is CRLF "--" boundary; the first may
        // also sit at the very start of the body (no preamble).
        let delimiter = [ASCII.carriageReturn, ASCII.lineFeed, ASCII.hyphen, ASCII.hyphen] + boundary
        let opening = Array(delimiter.dropFirst(2))
        var position: Int
        if body.starts(with: opening) {
            position = opening.count
        } else if let found = search(delimiter, in: body, from: 0) {
            position = found + delimiter.count
        } else {
            throw .missingOpeningBoundary
        }

        var parts: [MultipartPart] = []
        while true {
            // After a delimiter: "--" closes the body, otherwise CRLF starts a part
            // (transport padding, spaces or tabs, is allowed before the CRLF).
            if body[position...].starts(with: [ASCII.hyphen, ASCII.hyphen]) { return parts }
            while position < body.count, body[position] == ASCII.space || body[position] == ASCII.tab { position += 1 }
            guard body[position...].starts(with: [ASCII.carriageReturn, ASCII.lineFeed]) else {
                throw .missingClosingBoundary
            }
            position += 2
            guard parts.count < maxParts else { throw .tooManyParts(limit: maxParts) }

            let headerTerminator = [ASCII.carriageReturn, ASCII.lineFeed, ASCII.carriageReturn, ASCII.lineFeed]
            let headers: HTTPHeaders
            let contentStart: Int
            if body[position...].starts(with: [ASCII.carriageReturn, ASCII.lineFeed]) {
                headers = HTTPHeaders()
                contentStart = position + 2
            } else {
                guard let headerEnd = search(headerTerminator, in: body, from: position) else {
                    throw body.count - position > maxPartHeaderBytes
                        ? .partHeadersTooLarge(limit: maxPartHeaderBytes) : .missingClosingBoundary
                }
                guard headerEnd - position <= maxPartHeaderBytes else {
                    throw .partHeadersTooLarge(limit: maxPartHeaderBytes)
                }
                headers = try parseHeaders(body[position..<headerEnd])
                contentStart = headerEnd + headerTerminator.count
            }
            guard let contentEnd = search(delimiter, in: body, from: contentStart) else {
                throw .missingClosingBoundary
            }
            parts.append(makePart(headers: headers, body: body[contentStart..<contentEnd]))
            position = contentEnd + delimiter.count
        }
    }

    private static func makePart(headers: HTTPHeaders, body: ArraySlice<UInt8>) -> MultipartPart {
        let disposition = headers["Content-Disposition"].map(HeaderParameters.init)
        return MultipartPart(
            headers: headers,
            name: disposition?["name"],
            filename: disposition?["filename"],
            contentType: headers["Content-Type"],
            body: body
        )
    }

    private static func parseHeaders(_ bytes: ArraySlice<UInt8>) throws(MultipartError) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for line in bytes.split(separator: ASCII.lineFeed, omittingEmptySubsequences: false) {
            var line = line
            if line.last == ASCII.carriageReturn { line.removeLast() }
            guard let first = line.first, first != ASCII.space, first != ASCII.tab,
                  let colon = line.firstIndex(of: ASCII.colon), colon > line.startIndex,
                  line[..<colon].allSatisfy(ASCII.isTokenCharacter) else { throw .malformedPartHeaders }
            var value = line[(colon + 1)...]
            while let first = value.first, first == ASCII.space || first == ASCII.tab { value.removeFirst() }
            while let last = value.last, last == ASCII.space || last == ASCII.tab { value.removeLast() }
            guard value.allSatisfy(ASCII.isFieldValueByte) else { throw .malformedPartHeaders }
            headers.add(name: String(decoding: line[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return headers
    }

    /// First index of `needle` in `haystack` at or after `start`, using
    /// `memchr` to skip to candidate first bytes.
    static func search(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start <= haystack.count, haystack.count - start >= needle.count else {
            return nil
        }
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { pattern -> Int? in
                guard let base = hay.baseAddress, let patternBase = pattern.baseAddress else { return nil }
                var index = start
                let lastStart = hay.count - pattern.count
                while index <= lastStart {
                    guard let hit = memchr(base + index, Int32(first), lastStart - index + 1) else { return nil }
                    let candidate = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + candidate, patternBase, pattern.count) == 0 { return candidate }
                    index = candidate + 1
                }
                return nil
            }
        }
    }
}
