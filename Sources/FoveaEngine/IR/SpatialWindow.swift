/// Kernel geometry shared by convolution and pooling: sizes, strides,
/// dilations and ONNX's padding rules, resolved against a concrete input.
public struct SpatialWindow: Sendable, Equatable {
    public enum Padding: Sendable, Equatable {
        case explicit(begin: [Int], end: [Int])
        /// `auto_pad` SAME_UPPER / SAME_LOWER: output = ceil(input / stride).
        case same(upper: Bool)
        case valid
    }

    public var kernel: [Int]
    public var strides: [Int]
    public var dilations: [Int]
    public var padding: Padding
    public var ceilMode: Bool

    public init(kernel: [Int], strides: [Int]?, dilations: [Int]?, padding: Padding, ceilMode: Bool = false) {
        self.kernel = kernel
        self.strides = strides ?? Array(repeating: 1, count: kernel.count)
        self.dilations = dilations ?? Array(repeating: 1, count: kernel.count)
        self.padding = padding
        self.ceilMode = ceilMode
    }

    /// Concrete padding and output size for the spatial input extents. With
    /// `ceilMode` the end padding grows so that a floor-based kernel library
    /// produces the ceil-mode output size.
    public struct Resolved: Sendable, Equatable {
        public var padBegin: [Int]
        public var padEnd: [Int]
        public var output: [Int]
    }

    public func resolve(input: [Int]) throws -> Resolved {
        let rank = kernel.count
        guard input.count == rank, strides.count == rank, dilations.count == rank else {
            throw OperatorError("kernel \(kernel), strides \(strides) and dilations \(dilations) do not match \(input.count) spatial dimensions")
        }
        guard strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }), kernel.allSatisfy({ $0 > 0 }) else {
            throw OperatorError("kernel sizes, strides and dilations must be positive")
        }
        for values in [kernel, strides, dilations] { _ = try values.map { try ShapeMath.dimension($0, "window size") } }
        if case .explicit(let padBegin, let padEnd) = padding {
            _ = try (padBegin + padEnd).map { try ShapeMath.dimension($0, "pad") }
        }
        var begin = Array(repeating: 0, count: rank)
        var end = Array(repeating: 0, count: rank)
        var output = Array(repeating: 0, count: rank)
        for axis in 0..<rank {
            let extent = (kernel[axis] - 1) * dilations[axis] + 1
            switch padding {
            case .explicit(let padBegin, let padEnd):
                guard padBegin.count == rank, padEnd.count == rank else {
                    throw OperatorError("pads must have \(2 * rank) values")
                }
                begin[axis] = padBegin[axis]
                end[axis] = padEnd[axis]
            case .valid:
                break
            case .same(let upper):
                let out = (input[axis] + strides[axis] - 1) / strides[axis]
                let total = max(0, (out - 1) * strides[axis] + extent - input[axis])
                begin[axis] = upper ? total / 2 : total - total / 2
                end[axis] = total - begin[axis]
            }
            let span = input[axis] + begin[axis] + end[axis] - extent
            guard span >= 0 else {
                throw OperatorError("kernel extent \(extent) exceeds padded input \(input[axis] + begin[axis] + end[axis])")
            }
            var out = span / strides[axis] + 1
            if ceilMode {
                out = (span + strides[axis] - 1) / strides[axis] + 1
                // A window must start inside the input or the leading padding.
                if (out - 1) * strides[axis] >= input[axis] + begin[axis] { out -= 1 }
                end[axis] = max(end[axis], (out - 1) * strides[axis] + extent - input[axis] - begin[axis])
            }
            output[axis] = out
        }
        return Resolved(padBegin: begin, padEnd: end, output: output)
    }
}
