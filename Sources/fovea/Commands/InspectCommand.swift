import Foundation
import ArgumentParser
import FoveaEngine

/// `fovea inspect MODEL.onnx`: what a model expects and how big it is,
/// and which of its nodes oneDNN runs on a reference kernel on this CPU,
/// without running it.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's inputs, outputs, operators, parameters and MACs, and any node on a slow reference kernel.")

    @Argument(help: "Path to an ONNX model.")
    var model: String

    func run() throws {
        let loaded = try Model.load(path: model)
        let metadata = loaded.metadata
        print("model:      \(model)")
        if !metadata.producer.isEmpty { print("producer:   \(metadata.producer)") }
        print("opset:      \(metadata.opsetVersion)")
        for input in metadata.inputs { print("input:      \(input)") }
        for output in metadata.outputs { print("output:     \(output)") }
        print("parameters: \(metadata.parameterCount) (\(Self.scaled(Double(metadata.parameterCount))))")
        print("MACs/image: \(metadata.macsPerImage) (\(Self.scaled(Double(metadata.macsPerImage))))")
        print("operators:")
        let width = metadata.operatorHistogram.keys.map(\.count).max() ?? 0
        for (op, count) in metadata.operatorHistogram.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            print("  \(op.padding(toLength: width, withPad: " ", startingAt: 0))  \(count)")
        }
        // Batch 8 too, where the file leaves the batch open: layouts and
        // kernels are chosen per batch size.
        let batches = loaded.graph.acceptsAnyBatchSize ? [1, 8] : [1]
        let engine = try Engine(model: loaded)
        for batch in batches {
            let plan = try engine.plan(batchSize: batch)
            let reference = plan.referenceSteps
            print("plan, batch \(batch): \(plan.steps.count) steps, \(plan.reorders) reorders, \(reference.count) on reference kernels")
            for step in reference { print("  reference kernel: \(step)") }
        }
    }

    static func scaled(_ value: Double) -> String {
        if value >= 1e9 { return String(format: "%.2f G", value / 1e9) }
        if value >= 1e6 { return String(format: "%.2f M", value / 1e6) }
        if value >= 1e3 { return String(format: "%.2f K", value / 1e3) }
        return String(format: "%.0f", value)
    }
}
