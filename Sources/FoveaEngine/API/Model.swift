/// A loaded, optimized model, independent of batch size. Create plans for
/// concrete batch sizes with `Engine`.
public struct Model: Sendable {
    public let path: String
    public let metadata: ModelMetadata
    /// The graph after the optimizer passes; what plans are built from.
    public let graph: Graph

    /// Loads and validates `path`. Validation includes planning at batch
    /// size 1, so shape errors surface here rather than at the first request.
    public static func load(path: String, optimizer: Optimizer = .standard) throws -> Model {
        let onnx = try ONNXFile.loadModel(path: path)
        let imported = try ONNXImporter.graph(from: onnx)
        let planned = try imported.planned(batchSize: 1)
        let histogram = onnx.graph.nodes.reduce(into: [String: Int]()) { $0[$1.opType, default: 0] += 1 }
        let inputs = imported.inputs.map { ModelMetadata.Signature(name: $0.name, shape: [nil] + $0.shape.dropFirst()) }
        let outputs = try imported.outputs.map { output -> ModelMetadata.Signature in
            guard let state = planned.states[output.value] else {
                throw ModelError.undefinedValue(name: output.value, node: "<graph output>")
            }
            let shape = state.shape
            return ModelMetadata.Signature(name: output.name, shape: shape.isEmpty ? [] : [nil] + shape.dropFirst().map { $0 })
        }
        let metadata = ModelMetadata(
            inputs: inputs, outputs: outputs, operatorHistogram: histogram,
            parameterCount: ModelStatistics.parameterCount(of: imported),
            macsPerImage: ModelStatistics.macs(of: planned),
            opsetVersion: onnx.opsetVersion,
            producer: [onnx.producerName, onnx.producerVersion].filter { !$0.isEmpty }.joined(separator: " "))
        let optimized = try optimizer.optimize(imported)
        _ = try optimized.planned(batchSize: 1)
        return Model(path: path, metadata: metadata, graph: optimized)
    }
}
