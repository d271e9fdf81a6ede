import FoveaHTTP

/// libFuzzer entry point: the input is split into pieces at arbitrary points
/// (driven by its first byte) to exercise the incremental paths, then parsed
/// until the parser needs more bytes or rejects the input. Any crash, hang or
/// sanitizer report is a bug; thrown `HTTPParseError`s are the expected outcome
/// for garbage. Small limits keep the 413/414/431 paths within reach of
/// short inputs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let pieceSize = Int(bytes[0] % 16) + 1
    var parser = HTTPRequestParser(maxHeaderBytes: 1024, maxBodyBytes: 4096)
    var offset = 1
    var expectingBody = false
    parsing: while offset < size {
        let end = min(size, offset + pieceSize)
        parser.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
        offset = end
        do {
            while let event = try parser.next() {
                switch event {
                case .head(let head):
                    precondition(!expectingBody, "two heads without a body in between")
                    precondition(head.path.utf8.count <= 1024)
                    expectingBody = true
                case .body(let body):
                    precondition(expectingBody, "a body without a head")
                    precondition(body.count <= 4096, "body limit exceeded")
                    expectingBody = false
                }
            }
        } catch {
            precondition(error.status.code >= 400)
            break parsing
        }
    }
    return 0
}
