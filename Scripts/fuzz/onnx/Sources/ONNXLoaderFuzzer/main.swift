import FoveaEngine
import Foundation

/// libFuzzer entry point for `Model.load`: every input is written to a model
/// file of its own directory (so external-data references resolve nowhere
/// else) and loaded like an uploaded model — protobuf decoding, import, shape
/// planning at batch 1, optimizer passes. Load errors are the expected
/// outcome; crashes, sanitizer reports, hangs and runaway allocations are
/// what the fuzzer looks for.
private let directory: String = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-onnx-fuzz-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()
private let modelPath = directory + "/model.onnx"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard FileManager.default.createFile(atPath: modelPath, contents: Data(bytes: data, count: size)) else {
        fatalError("cannot write \(modelPath)")
    }
    _ = try? Model.load(path: modelPath)
    return 0
}
