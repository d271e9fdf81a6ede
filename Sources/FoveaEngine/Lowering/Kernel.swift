/// A named constant operand. The name identifies it across plans, so
/// reordered weights can be shared between batch sizes.
public struct NamedConstant: Sendable {
    public var name: String
    public var tensor: Tensor
}

/// A kernel operand: a run-time value or a constant.
public enum Operand: Sendable {
    case value(String)
    case constant(NamedConstant)
}

/// One unit of executor work with every parameter resolved for concrete
/// shapes. This is the boundary between the backend-neutral lowering and the
/// oneDNN executor: nothing here knows how kernels are implemented.
public enum Kernel: Sendable {
    public struct Convolution: Sendable {
        public var source: String
        public var weights: NamedConstant
        public var bias: NamedConstant?
        /// The tensor a `.residualAdd` post-op adds.
        public var residual: String?
        public var destination: String
        public var strides: [Int]
        /// ONNX dilations (1 = dense).
        public var dilations: [Int]
        public var padBegin: [Int]
        public var padEnd: [Int]
        public var groups: Int
        public var postOps: [PostOp]
    }

    public struct Pooling: Sendable {
        public enum Algorithm: Sendable { case max, averageIncludingPadding, averageExcludingPadding }
        public var source: String
        public var destination: String
        public var algorithm: Algorithm
        public var kernel: [Int]
        public var strides: [Int]
        public var dilations: [Int]
        public var padBegin: [Int]
        public var padEnd: [Int]
    }

    public struct InnerProduct: Sendable {
        public var source: String
        /// Shaped [outputs, inputs].
        public var weights: NamedConstant
        public var bias: NamedConstant?
        public var destination: String
        public var postOps: [PostOp]
    }

    public struct BatchNormalization: Sendable {
        public var source: String
        public var destination: String
        public var mean: NamedConstant
        public var variance: NamedConstant
        public var scale: NamedConstant
        public var shift: NamedConstant
        public var epsilon: Float
        /// A ReLU applied to the result.
        public var fusedRelu: Bool
    }

    public struct LocalResponseNormalization: Sendable {
        public var source: String
        public var destination: String
        public var size: Int
        public var alpha: Float
        public var beta: Float
        public var bias: Float
    }

    case convolution(Convolution)
    case pooling(Pooling)
    case innerProduct(InnerProduct)
    case batchNormalization(BatchNormalization)
    case localResponseNormalization(LocalResponseNormalization)
    case activation(source: String, destination: String, function: ActivationFunction)
    case binary(ElementwiseBinary.Function, left: Operand, right: Operand, destination: String, postOps: [PostOp])
    case sum(sources: [String], destination: String)
    case concat(sources: [String], axis: Int, destination: String)
    case softmax(source: String, destination: String, axis: Int, logarithmic: Bool)
    case reduceMean(source: String, destination: String)
    case matMul(left: Operand, right: Operand, destination: String)
    case prelu(source: String, slope: Operand, destination: String)
    /// Same elements in row-major order, new shape (Reshape, Flatten, ...).
    case reshape(source: String, destination: String)
    case transpose(source: String, destination: String, permutation: [Int])
    case slice(source: String, destination: String, region: SliceRegion)
    case pad(source: String, destination: String, begin: [Int], value: Float)
    /// A constant that is also a plan output.
    case constantOutput(NamedConstant, destination: String)

    /// Run-time values the kernel reads.
    public var sources: [String] {
        func values(_ operands: [Operand]) -> [String] {
            operands.compactMap { if case .value(let name) = $0 { return name } else { return nil } }
        }
        switch self {
        case .convolution(let k): return [k.source] + (k.residual.map { [$0] } ?? [])
        case .pooling(let k): return [k.source]
        case .innerProduct(let k): return [k.source]
        case .batchNormalization(let k): return [k.source]
        case .localResponseNormalization(let k): return [k.source]
        case .activation(let source, _, _), .softmax(let source, _, _, _), .reduceMean(let source, _),
             .reshape(let source, _), .transpose(let source, _, _), .slice(let source, _, _), .pad(let source, _, _, _):
            return [source]
        case .binary(_, let left, let right, _, _): return values([left, right])
        case .sum(let sources, _), .concat(let sources, _, _): return sources
        case .matMul(let left, let right, _): return values([left, right])
        case .prelu(let source, let slope, _): return [source] + values([slope])
        case .constantOutput: return []
        }
    }
}

extension Kernel {
    /// The ONNX-style operator the kernel computes, for plan reports.
    public var operation: String {
        switch self {
        case .convolution(let k): return k.groups > 1 ? "Conv (\(k.groups) groups)" : "Conv"
        case .pooling(let k): return k.algorithm == .max ? "MaxPool" : "AveragePool"
        case .innerProduct: return "Gemm"
        case .batchNormalization(let k): return k.fusedRelu ? "BatchNormalization + Relu" : "BatchNormalization"
        case .localResponseNormalization: return "LRN"
        case .activation(_, _, let function): return function.description
        case .binary(let function, _, _, _, _): return function.rawValue
        case .sum: return "Sum"
        case .concat: return "Concat"
        case .softmax(_, _, _, let logarithmic): return logarithmic ? "LogSoftmax" : "Softmax"
        case .reduceMean: return "ReduceMean"
        case .matMul: return "MatMul"
        case .prelu: return "PRelu"
        case .reshape: return "Reshape"
        case .transpose: return "Transpose"
        case .slice: return "Slice"
        case .pad: return "Pad"
        case .constantOutput: return "Constant"
        }
    }
}
