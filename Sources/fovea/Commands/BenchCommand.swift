import ArgumentParser
import Foundation
import FoveaEngine

/// `fovea bench`: engine-only latency and throughput per batch size, after
/// warm-up, on a fixed pseudo-random input.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure engine latency and throughput per batch size.")

    @Argument(help: "Path to an ONNX model.")
    var model: String

    @Option(name: .long, help: "Comma-separated batch sizes.")
    var batch: String = "1"

    @Option(name: .long, help: "Measured seconds per batch size (after warm-up).")
    var seconds: Double = 5

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads: Int?

    @Option(name: .long, help: "Convolution kernels: auto (the fastest 3×3 kernels this CPU has), native (Fovea's AVX2 3×3 kernels) or onednn (oneDNN's direct convolutions only).")
    var convolution: ConvolutionAlgorithm = .automatic

    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(name: .long, help: "Then time every step of each plan (oneDNN primitives, layout reorders, Fovea's own kernels) and list them by time, with the implementation each runs on.")
    var profile = false

    struct Result: Encodable {
        struct Latency: Encodable {
            let p50: Double
            let p90: Double
        }

        struct Step: Encodable {
            let node: String
            let operation: String
            let shapes: String
            let implementation: String
            let ms: Double
            let share: Double
        }

        let batch: Int
        let latency_ms: Latency
        let images_per_second: Double
        /// Layout conversions and reference-kernel steps in the plan.
        let reorders: Int
        let reference_steps: Int
        /// With `--profile`: the plan's steps, slowest first.
        let profile: [Step]?
    }

    struct Report: Encodable {
        let model: String
        let threads: Int
        let results: [Result]
    }

    func run() throws {
        let sizes = batch.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else { throw ValidationError("--batch must list positive integers, e.g. 1,8") }
        let engine = try Engine(model: try Model.load(path: model), threads: threads, convolutionAlgorithm: convolution,
                                logger: makeLogger(label: "fovea", level: .warning))
        var results: [Result] = []
        for size in sizes {
            let plan = try engine.plan(batchSize: size)
            var state: UInt32 = 12345
            let fill: (borrowing ExecutionPlan.InputWriter) throws -> Void = { writer in
                for input in 0..<plan.inputs.count {
                    writer.withBatch(input: input) { buffer in
                        for index in buffer.indices {
                            state = state &* 1_664_525 &+ 1_013_904_223
                            buffer[index] = Float(state >> 8) / Float(1 << 24) - 0.5
                        }
                    }
                }
            }
            let warmUpEnd = Date().addingTimeInterval(min(1, seconds / 4))
            repeat { _ = try plan.run(filling: fill) } while Date() < warmUpEnd
            var latencies: [Double] = []
            let start = Date()
            repeat {
                let began = DispatchTime.now().uptimeNanoseconds
                _ = try plan.run { _ in }
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - began) / 1e6)
            } while Date().timeIntervalSince(start) < seconds || latencies.count < 3
            latencies.sort()
            func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            let total = latencies.reduce(0, +) / 1000
            var steps: [Result.Step]? = nil
            if profile {
                let runs = max(3, min(1000, Int(seconds / 2 * 1000 / max(percentile(0.5), 0.001))))
                let timings = try plan.profile(runs: runs)
                let sum = timings.reduce(0) { $0 + $1.milliseconds }
                steps = timings.sorted { $0.milliseconds > $1.milliseconds }.map { timing in
                    Result.Step(node: timing.step.node, operation: timing.step.operation, shapes: timing.step.shapes,
                                implementation: timing.step.implementation, ms: timing.milliseconds,
                                share: sum > 0 ? timing.milliseconds / sum : 0)
                }
            }
            results.append(Result(batch: size, latency_ms: .init(p50: percentile(0.5), p90: percentile(0.9)),
                                  images_per_second: Double(size * latencies.count) / total,
                                  reorders: plan.reorders, reference_steps: plan.referenceSteps.count, profile: steps))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(Report(model: model, threads: engine.threads, results: results)), as: UTF8.self))
        } else {
            print("model: \(model)  threads: \(engine.threads)")
            print("batch   p50 ms   p90 ms   images/s")
            for result in results {
                print(String(format: "%5d %8.2f %8.2f %10.1f", result.batch, result.latency_ms.p50, result.latency_ms.p90, result.images_per_second))
            }
            for result in results { if let steps = result.profile { Self.printProfile(steps, of: result) } }
        }
    }
}

extension BenchCommand {
    /// The per-step table of `--profile`, slowest first, as profilers of
    /// other engines show it.
    static func printProfile(_ steps: [Result.Step], of result: Result) {
        let total = steps.reduce(0) { $0 + $1.ms }
        let reorderTime = steps.filter { $0.operation == "Reorder" }.reduce(0) { $0 + $1.ms }
        print("")
        print(String(format: "batch %d: %d steps, %.2f ms when timed one by one; %d reorders (%.2f ms); %d on reference kernels",
                     result.batch, steps.count, total, result.reorders, reorderTime, result.reference_steps))
        let operationWidth = max(9, steps.map(\.operation.count).max() ?? 0)
        let shapesWidth = max(6, steps.map(\.shapes.count).max() ?? 0)
        let implementationWidth = max(14, steps.map(\.implementation.count).max() ?? 0)
        func padded(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        print("      ms   share  \(padded("operation", operationWidth))  \(padded("shapes", shapesWidth))  \(padded("implementation", implementationWidth))  node")
        for step in steps {
            print(String(format: "%8.3f %6.1f%%  ", step.ms, step.share * 100)
                + "\(padded(step.operation, operationWidth))  \(padded(step.shapes, shapesWidth))  \(padded(step.implementation, implementationWidth))  \(step.node)")
        }
    }
}

extension ConvolutionAlgorithm: ExpressibleByArgument {}
