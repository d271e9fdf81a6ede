import ArgumentParser
import FoveaEngine

/// `fovea run`: one inference on tensors stored as ONNX TensorProto files,
/// the format of the ONNX project's test data.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on TensorProto input files and write TensorProto outputs.")

    @Argument(help: "Path to an ONNX model.")
    var model: String

    @Option(name: .long, help: "Input TensorProto file, one per model input, in input order.")
    var input: [String] = []

    @Option(name: .long, help: "Output TensorProto file, one per model output, in output order.")
    var output: [String] = []

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("at least one --input is required") }
    }

    func run() throws {
        let loaded = try Model.load(path: model)
        let tensors = try input.map { try ONNXFile.loadEngineTensor(path: $0).tensor }
        guard tensors.count == loaded.metadata.inputs.count else {
            throw ValidationError("the model takes \(loaded.metadata.inputs.count) input(s), \(tensors.count) given")
        }
        guard let batch = tensors.first?.shape.first else { throw ValidationError("the first input is a scalar") }
        let engine = try Engine(model: loaded, threads: threads, logger: makeLogger(label: "fovea", level: .warning))
        let plan = try engine.plan(batchSize: batch)
        for (tensor, signature) in zip(tensors, plan.inputs) where tensor.shape != signature.shape {
            throw ValidationError("input '\(signature.name)' has shape \(tensor.shape), the model expects \(signature.shape)")
        }
        let results = try plan.run(inputs: tensors)
        guard output.isEmpty || output.count == results.count else {
            throw ValidationError("the model has \(results.count) output(s), \(output.count) --output path(s) given")
        }
        for (index, result) in results.enumerated() {
            if index < output.count {
                try ONNXTensorEncoder.write(result, name: plan.outputs[index].name, to: output[index])
            } else {
                print("\(plan.outputs[index].name): \(result)")
            }
        }
    }
}
