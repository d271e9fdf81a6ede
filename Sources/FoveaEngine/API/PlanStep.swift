/// One step of a compiled plan, as `fovea bench --profile` and `fovea
/// inspect` show it: what it computes and which implementation runs it.
public struct PlanStep: Sendable, Equatable, CustomStringConvertible {
    /// The graph node the step computes, or needs (for a layout conversion).
    public var node: String
    /// An ONNX-style operator name ("Conv", "Mul", "MaxPool"), "Reorder"
    /// for a layout conversion, "Fill" and "Copy" for Fovea's own.
    public var operation: String
    /// Shapes read and written, e.g. "1×32×112×112, 1×32×1×1 → 1×32×112×112".
    public var shapes: String
    /// oneDNN's name for its implementation ("jit:avx2", "brg:avx512_core",
    /// "ref:any") or Fovea's ("fovea:winograd4x4").
    public var implementation: String

    public init(node: String, operation: String, shapes: String, implementation: String) {
        self.node = node
        self.operation = operation
        self.shapes = shapes
        self.implementation = implementation
    }

    /// Whether oneDNN runs the step on a reference implementation: plain
    /// loops written for correctness, 10–1000× slower than its JIT kernels.
    /// A plan avoids them wherever another implementation exists.
    public var isReference: Bool { implementation.hasPrefix("ref") }

    /// Whether the step only converts a layout.
    public var isReorder: Bool { operation == "Reorder" }

    public var description: String { "\(node) (\(operation) \(shapes)) on \(implementation)" }

    /// "1×32×112×112" for `[1, 32, 112, 112]`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "×")
    }

    /// Shapes of the step's inputs and outputs as `shapes` shows them.
    static func shapesText(inputs: [[Int]], outputs: [[Int]]) -> String {
        inputs.map(shapeText).joined(separator: ", ") + " → " + outputs.map(shapeText).joined(separator: ", ")
    }
}

/// How long a plan's step took, averaged over profiled runs.
public struct PlanStepTiming: Sendable {
    public var step: PlanStep
    public var milliseconds: Double
}
