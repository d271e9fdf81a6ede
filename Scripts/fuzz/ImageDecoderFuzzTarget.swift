// libFuzzer entry point for FoveaImage's decoders, compiled together with the
// module's sources by run-image-fuzz.sh (not part of the Swift package).
//
// Every input goes through the full preprocessing path — sniffing, header
// checks, libjpeg/libpng via the C shim, orientation, resampling — into a
// small tensor. Errors are expected outcomes; crashes, sanitizer reports,
// timeouts and leaks are what the fuzzer hunts for.

private let preprocessor: ImagePreprocessor = {
    // A small output keeps each run fast; a 4 MP limit keeps memory bounded
    // while still letting the fuzzer reach every decoder branch.
    let spec = try! PreprocessSpec(resize: .shorterSide(40), crop: (32, 32))
    return ImagePreprocessor(spec: spec, limits: ImageDecodingLimits(maxPixels: 4_000_000), dctOversampling: 2)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageDecoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var slot = [Float](repeating: 0, count: preprocessor.spec.elementCount)
    _ = slot.withUnsafeMutableBufferPointer { try? preprocessor.process(bytes, into: $0) }
    return 0
}
