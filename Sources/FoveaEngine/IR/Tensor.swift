/// A dense, row-major tensor held in host memory: model weights, constants
/// folded at plan time, and the inputs and outputs of a plan.
public struct Tensor: Sendable, CustomStringConvertible {
    public enum Storage: Sendable {
        case float32(FloatBuffer)
        case int64([Int64])
    }

    public let shape: [Int]
    public let storage: Storage

    public init(shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "shape \(shape) does not match \(floats.count) elements")
        self.shape = shape
        self.storage = .float32(FloatBuffer(floats))
    }

    public init(shape: [Int], floats: FloatBuffer) {
        precondition(shape.reduce(1, *) == floats.count, "shape \(shape) does not match \(floats.count) elements")
        self.shape = shape
        self.storage = .float32(floats)
    }

    public init(shape: [Int], int64s: [Int64]) {
        precondition(shape.reduce(1, *) == int64s.count, "shape \(shape) does not match \(int64s.count) elements")
        self.shape = shape
        self.storage = .int64(int64s)
    }

    public var elementType: ElementType {
        switch storage {
        case .float32: return .float32
        case .int64: return .int64
        }
    }

    public var type: TensorType { TensorType(elementType, shape) }
    public var elementCount: Int { shape.reduce(1, *) }

    /// Elements as floats (integers converted).
    public var floats: [Float] {
        switch storage {
        case .float32(let buffer): return buffer.array
        case .int64(let values): return values.map { Float($0) }
        }
    }

    /// Elements as integers (floats truncated toward zero, as ONNX Cast does).
    public var int64s: [Int64] {
        switch storage {
        case .float32(let buffer): return buffer.array.map { $0.isFinite ? Int64($0) : 0 }
        case .int64(let values): return values
        }
    }

    /// Same elements, new shape; the caller guarantees the element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        switch storage {
        case .float32(let buffer): return Tensor(shape: newShape, floats: buffer)
        case .int64(let values): return Tensor(shape: newShape, int64s: values)
        }
    }

    /// Builds a tensor of this tensor's element type, picking elements by
    /// flat source index; the basis of gather, slice, concat and transpose.
    func gathering(shape newShape: [Int], sourceIndices: [Int]) -> Tensor {
        switch storage {
        case .float32(let buffer):
            let values = buffer.array
            return Tensor(shape: newShape, floats: sourceIndices.map { values[$0] })
        case .int64(let values):
            return Tensor(shape: newShape, int64s: sourceIndices.map { values[$0] })
        }
    }

    public var description: String {
        let preview: String
        switch storage {
        case .float32(let buffer): preview = buffer.count <= 8 ? "\(buffer.array)" : "\(buffer.count) floats"
        case .int64(let values): preview = values.count <= 8 ? "\(values)" : "\(values.count) ints"
        }
        return "Tensor(\(elementType)\(shape): \(preview))"
    }
}
