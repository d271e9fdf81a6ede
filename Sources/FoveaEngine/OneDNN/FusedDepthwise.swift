import CDNNL

/// A 1×1 convolution whose output only a 3×3 depthwise convolution reads —
/// a MobileNet block's expansion and depthwise layers — computed as one
/// oneDNN primitive: the 1×1 kernel with a depthwise post-op, which
/// consumes the expanded rows while they are still in cache.
///
/// The expanded activation is the largest of such a network and is only a
/// stepping stone: written by one layer and read once by the next, it makes
/// the pair memory-bound as soon as it outgrows the caches. Measured pairs
/// on a 2-core Zen 4 (1 MiB L2 per core), median ms unfused → fused:
/// batch 8, 16→96 channels at 112×112 with a stride-2 depthwise (a
/// 38.5 MB intermediate) 5.12 → 2.88; 24→144 at 56×56 (14.5 MB) stride 1
/// 3.07 → 2.47, stride 2 2.33 → 1.83; but 32→192 at 28×28 (4.8 MB)
/// 0.81 → 0.88 and 64→384 at 14×14 0.70 → 0.72, where the intermediate
/// already stays in cache and the fused kernel's row-by-row schedule only
/// costs. Hence a pair fuses only from `minimumIntermediateBytes`.
struct FusedDepthwise {
    /// Kernel index of the 1×1 convolution, where the pair is computed.
    let pointwiseIndex: Int
    let pointwise: Kernel.Convolution
    /// Kernel index of the depthwise convolution the pair covers.
    let depthwiseIndex: Int
    let depthwise: Kernel.Convolution

    static let minimumIntermediateBytes = 8 << 20

    var stride: Int { depthwise.strides[0] }
    /// Rows and columns of padding before the first pixel: 1 from PyTorch,
    /// 0 for stride 2 from Keras' "same" padding (which pads after).
    var padding: Int { depthwise.padBegin[0] }

    /// The pairs of `program` worth fusing. Values in `excluded` (sources
    /// of in-place concats, whose producers write into a slot) take no part.
    static func find(in program: ExecutionProgram, excluding excluded: Set<String>) -> [FusedDepthwise] {
        let readers = program.readers()
        let outputs = Set(program.outputs.map(\.value))
        var found: [FusedDepthwise] = []
        for (pointwiseIndex, kernel) in program.kernels.enumerated() {
            guard case .convolution(let pointwise) = kernel, isPointwise(pointwise),
                  let intermediate = program.types[pointwise.destination],
                  intermediate.elementCount * MemoryLayout<Float>.size >= minimumIntermediateBytes,
                  !outputs.contains(pointwise.destination), !excluded.contains(pointwise.destination),
                  let indices = readers[pointwise.destination], indices.count == 1,
                  case .convolution(let depthwise) = program.kernels[indices[0]],
                  !excluded.contains(depthwise.destination),
                  let result = program.types[depthwise.destination],
                  isFusableDepthwise(depthwise, input: intermediate.shape, output: result.shape) else { continue }
            found.append(FusedDepthwise(pointwiseIndex: pointwiseIndex, pointwise: pointwise,
                                        depthwiseIndex: indices[0], depthwise: depthwise))
        }
        return found
    }

    /// A dense 1×1 stride-1 convolution without padding, followed only by
    /// activations (oneDNN applies those before the depthwise post-op).
    private static func isPointwise(_ conv: Kernel.Convolution) -> Bool {
        conv.weights.tensor.shape.count == 4 && Array(conv.weights.tensor.shape.dropFirst(2)) == [1, 1]
            && conv.groups == 1 && conv.strides == [1, 1] && conv.dilations == [1, 1]
            && conv.padBegin == [0, 0] && conv.padEnd == [0, 0]
            && conv.residual == nil && onlyActivations(conv.postOps)
    }

    /// The depthwise shapes oneDNN 2.6 fuses: 3×3, stride 1 or 2, the same
    /// padding (0 or 1) before rows and columns, and the output size the
    /// fused kernel computes, ⌈input / stride⌉ — so the padding after, which
    /// oneDNN derives, covers the same windows as the model's.
    private static func isFusableDepthwise(_ conv: Kernel.Convolution, input: [Int], output: [Int]) -> Bool {
        guard input.count == 4, output.count == 4, conv.weights.tensor.shape == [input[1], 1, 3, 3],
              conv.groups == input[1], conv.dilations == [1, 1], conv.padBegin == [0, 0] || conv.padBegin == [1, 1],
              conv.strides.count == 2, conv.strides[0] == conv.strides[1], [1, 2].contains(conv.strides[0]),
              conv.residual == nil, onlyActivations(conv.postOps) else { return false }
        let stride = conv.strides[0]
        return output == [input[0], input[1], (input[2] + stride - 1) / stride, (input[3] + stride - 1) / stride]
    }

    private static func onlyActivations(_ postOps: [PostOp]) -> Bool {
        postOps.allSatisfy { if case .activation = $0 { return true } else { return false } }
    }
}
