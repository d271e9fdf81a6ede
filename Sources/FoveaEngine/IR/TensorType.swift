/// The element types the engine computes with. Integer and boolean ONNX
/// tensors only appear in shape computations and are widened to `int64`;
/// half and double precision constants are narrowed to `float32`.
public enum ElementType: String, Sendable, CustomStringConvertible {
    case float32
    case int64

    public var description: String { rawValue }
}

/// Element type and concrete shape of a value in a plan.
public struct TensorType: Sendable, Equatable, CustomStringConvertible {
    public var elementType: ElementType
    public var shape: [Int]

    public init(_ elementType: ElementType, _ shape: [Int]) {
        self.elementType = elementType
        self.shape = shape
    }

    public var elementCount: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    public var description: String { "\(elementType)\(shape)" }
}
