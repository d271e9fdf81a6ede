// Timing harness for FoveaImage, compiled with the module's sources by
// Scripts/bench/image_pipeline.py (not part of the Swift package).
//
//   image-pipeline-bench ITERATIONS OVERSAMPLING FILE...
//
// For each file: ImageNet preprocessing (Resize 256, CenterCrop 224,
// normalise, NCHW) from in-memory bytes into a reused slot; prints one JSON
// object per file with per-call wall-clock milliseconds.
import Foundation

@main
struct ImagePipelineBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 4, let iterations = Int(arguments[1]), let oversampling = Double(arguments[2]) else {
            FileHandle.standardError.write(Data("usage: image-pipeline-bench ITERATIONS OVERSAMPLING FILE...\n".utf8))
            exit(2)
        }
        let preprocessor = ImagePreprocessor(spec: .imageNet, dctOversampling: oversampling)
        var slot = [Float](repeating: 0, count: PreprocessSpec.imageNet.elementCount)
        let clock = ContinuousClock()
        for path in arguments[3...] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            var samples: [Double] = []
            var info: ImageInfo?
            for iteration in 0..<(iterations + 5) {
                let start = clock.now
                info = try slot.withUnsafeMutableBufferPointer { try preprocessor.process(bytes, into: $0) }
                let elapsed = clock.now - start
                if iteration >= 5 { // warm-up calls are discarded
                    samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                }
            }
            samples.sort()
            let decode = info.map { Double($0.decodeDuration.components.attoseconds) / 1e15 } ?? 0
            print("{\"file\": \"\(path)\", \"median_ms\": \(samples[samples.count / 2]), \"min_ms\": \(samples[0]), "
                + "\"dct_scale_eighths\": \(info?.decodeScaleEighths ?? 0), \"last_decode_ms\": \(decode)}")
        }
    }
}
