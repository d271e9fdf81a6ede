/// What `fovea inspect` and the serving layer show about a model.
public struct ModelMetadata: Sendable {
    public struct Signature: Sendable, CustomStringConvertible {
        public var name: String
        /// Nil dimensions are open in the model (usually the batch).
        public var shape: [Int?]

        public var description: String {
            "\(name) [\(shape.map { $0.map(String.init) ?? "N" }.joined(separator: ", "))]"
        }
    }

    public var inputs: [Signature]
    /// Output shapes at batch size 1 with the batch dimension shown as open.
    public var outputs: [Signature]
    /// ONNX operator type → node count, as in the file (before optimization).
    public var operatorHistogram: [String: Int]
    /// Float elements in initializers.
    public var parameterCount: Int
    /// Multiply-accumulates of Conv, Gemm and MatMul for one image.
    public var macsPerImage: Int
    public var opsetVersion: Int64
    public var producer: String
}
