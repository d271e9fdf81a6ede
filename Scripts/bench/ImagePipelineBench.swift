// Timing harness for FoveaImage, compiled with the module's sources by
// Scripts/bench/image_pipeline.py (not part of the Swift package).
//
//   image-pipeline-bench ITERATIONS OVERSAMPLING DECODE_THREADS FILE...
//
// For each file: ImageNet preprocessing (Resize 256, CenterCrop 224,
// normalise, NCHW) from in-memory bytes into a reused slot; prints one JSON
// object per file with per-call wall-clock milliseconds, the medians of its
// decode and resample parts, and the process CPU time per call (which exceeds
// wall time when a photo is decoded in strips).
import Foundation

@main
struct ImagePipelineBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 5, let iterations = Int(arguments[1]), let oversampling = Double(arguments[2]),
              let threads = Int(arguments[3]) else {
            FileHandle.standardError.write(Data("usage: image-pipeline-bench ITERATIONS OVERSAMPLING DECODE_THREADS FILE...\n".utf8))
            exit(2)
        }
        let preprocessor = ImagePreprocessor(spec: .imageNet, dctOversampling: oversampling, threadsPerImage: threads)
        var slot = [Float](repeating: 0, count: PreprocessSpec.imageNet.elementCount)
        let clock = ContinuousClock()
        for path in arguments[4...] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            var samples: [Double] = [], decodes: [Double] = [], resamples: [Double] = []
            var info: ImageInfo?
            var cpuStart = processCPUMilliseconds()
            for iteration in 0..<(iterations + 5) {
                if iteration == 5 { cpuStart = processCPUMilliseconds() }
                let start = clock.now
                info = try slot.withUnsafeMutableBufferPointer { try preprocessor.process(bytes, into: $0) }
                let elapsed = clock.now - start
                if iteration >= 5, let info { // warm-up calls are discarded
                    samples.append(milliseconds(elapsed))
                    decodes.append(milliseconds(info.decodeDuration))
                    resamples.append(milliseconds(info.resampleDuration))
                }
            }
            let cpuPerCall = (processCPUMilliseconds() - cpuStart) / Double(iterations)
            samples.sort()
            decodes.sort()
            resamples.sort()
            print("{\"file\": \"\(path)\", \"median_ms\": \(samples[samples.count / 2]), \"min_ms\": \(samples[0]), "
                + "\"cpu_ms\": \(cpuPerCall), \"dct_scale_eighths\": \(info?.decodeScaleEighths ?? 0), "
                + "\"decode_median_ms\": \(decodes[decodes.count / 2]), \"resample_median_ms\": \(resamples[resamples.count / 2])}")
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
    }

    static func processCPUMilliseconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1e3 + Double(now.tv_nsec) / 1e6
    }
}
