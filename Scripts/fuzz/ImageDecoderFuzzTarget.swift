// libFuzzer entry point for FoveaImage's decoders, compiled together with the
// module's sources by run-image-fuzz.sh (not part of the Swift package).
//
// Every input goes through the full preprocessing path — sniffing, header
// checks, libjpeg/libpng via the C shim, orientation, resampling — into a
// small tensor. Errors are expected outcomes; crashes, sanitizer reports,
// timeouts and leaks are what the fuzzer hunts for.

// A small output keeps each run fast; a 4 MP limit keeps memory bounded
// while still letting the fuzzer reach every decoder branch. Two threads per
// image: every JPEG's restart layout is parsed (images this small are then
// decoded in one strip).
private let preprocessor = ImagePreprocessor(spec: try! PreprocessSpec(resize: .shorterSide(40), crop: (32, 32)),
                                             limits: ImageDecodingLimits(maxPixels: 4_000_000), dctOversampling: 2,
                                             threadsPerImage: 2)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var slot = [Float](repeating: 0, count: preprocessor.spec.elementCount)
    _ = slot.withUnsafeMutableBufferPointer { try? preprocessor.process(bytes, into: $0) }
    decodeStrips(bytes)
    return 0
}

/// Strips are built only for large images in production; here every file
/// whose restart layout parses has its first and last halves rebuilt as
/// standalone JPEGs and decoded, so the byte surgery is fuzzed on small inputs.
private func decodeStrips(_ bytes: UnsafeRawBufferPointer) {
    guard let layout = JPEGRestartLayout(bytes) else { return }
    let middle = layout.intervalCount / 2
    for range in [0..<max(middle, 1), middle..<layout.intervalCount] where !range.isEmpty {
        let strip = layout.strip(range, of: bytes)
        strip.withUnsafeBytes { strip in
            guard let decoder = try? JPEGDecoder(bytes: strip, limits: ImageDecodingLimits(maxPixels: 4_000_000)),
                  (try? decoder.start(scaleEighths: 8)) != nil,
                  let buffer = PixelBuffer(width: decoder.scaledWidth, height: decoder.scaledHeight,
                                           bytesPerPixel: decoder.bytesPerPixel,
                                           pool: preprocessor.bufferPool) else { return }
            try? decoder.readRows(0..<decoder.scaledHeight, into: buffer, atRow: 0)
        }
    }
}
