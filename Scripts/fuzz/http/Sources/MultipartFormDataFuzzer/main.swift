import FoveaHTTP

/// libFuzzer entry point for `MultipartFormData`: the first byte picks a
/// boundary length, the next bytes are the boundary and the rest is the body.
/// Parts must lie inside the body; rejection by `MultipartError` is fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let boundaryLength = min(Int(bytes[0] % 72), size - 1)
    let boundary = String(decoding: bytes[1..<(1 + boundaryLength)], as: UTF8.self)
    let body = Array(bytes[(1 + boundaryLength)...])
    if let form = try? MultipartFormData(body: body, boundary: boundary) {
        for part in form.parts {
            precondition(part.body.startIndex >= 0 && part.body.endIndex <= body.count)
        }
    }
    return 0
}
