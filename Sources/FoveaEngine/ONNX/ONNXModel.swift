/// A `ModelProto`. `opsetVersion` is the version of the default ("ai.onnx")
/// domain, which decides operator semantics where opsets differ.
public struct ONNXModel: Sendable {
    public var irVersion: Int64
    public var producerName: String
    public var producerVersion: String
    public var opsetImports: [String: Int64]
    public var graph: ONNXGraph

    public var opsetVersion: Int64 {
        opsetImports[""] ?? opsetImports["ai.onnx"] ?? 1
    }
}
