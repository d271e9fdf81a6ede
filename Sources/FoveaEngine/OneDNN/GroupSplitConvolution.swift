/// A grouped pointwise (1×1) convolution computed as one ungrouped
/// convolution per group, each reading its group's channels of the input
/// and writing its group's channels of the output where they lie, in a
/// channel-blocked layout whose blocks the groups are made of.
///
/// oneDNN 2.6's AVX2 pointwise kernel takes no groups, so a grouped 1×1
/// convolution ran on its generic direct kernel: ShuffleNet v1's in 4
/// groups of 136 channels at 7×7 took 0.12 ms each where the four
/// per-group pointwise convolutions take 0.06 (BENCHMARKS.md, "ShuffleNet
/// v1's grouped convolutions").
struct GroupSplitConvolution {
    /// Channels each group reads and writes.
    let inputWidth: Int
    let outputWidth: Int
    /// One ungrouped convolution per group, in group order: the group's
    /// rows of the weights and of the bias, and the original's post-ops
    /// (elementwise, or a residual the destination already holds).
    let parts: [Kernel.Convolution]

    /// Groups up to which splitting pays: each part is a primitive call of
    /// its own, a few microseconds of overhead at batch 1.
    static let maximumGroups = 8

    /// Nil unless `conv` is a grouped 1×1 convolution with more than one
    /// channel per group on each side and at most `maximumGroups` groups.
    init?(_ conv: Kernel.Convolution) {
        let weightShape = conv.weights.tensor.shape
        let outputWidth = weightShape[0] / max(conv.groups, 1)
        guard conv.groups > 1, conv.groups <= Self.maximumGroups, weightShape.count >= 3,
              weightShape.dropFirst(2).allSatisfy({ $0 == 1 }), weightShape[1] > 1, outputWidth > 1 else { return nil }
        inputWidth = weightShape[1]
        self.outputWidth = outputWidth
        let rowSize = weightShape.dropFirst().reduce(1, *)
        let weights = conv.weights.tensor.floats, bias = conv.bias?.tensor.floats
        parts = (0..<conv.groups).map { group in
            let rows = (group * outputWidth)..<((group + 1) * outputWidth)
            var part = conv
            part.groups = 1
            part.weights = NamedConstant(name: "\(conv.weights.name)::group\(group)",
                                         tensor: Tensor(shape: [outputWidth] + weightShape.dropFirst(),
                                                        floats: Array(weights[(rows.lowerBound * rowSize)..<(rows.upperBound * rowSize)])))
            if let bias, let name = conv.bias?.name {
                part.bias = NamedConstant(name: "\(name)::group\(group)", tensor: Tensor(shape: [outputWidth], floats: Array(bias[rows])))
            }
            return part
        }
    }

    /// One image's group of channels of an N×C×… activation whose channels
    /// are split in groups of `width`.
    struct ImagePart {
        /// 1×width×…
        let shape: [Int]
        let channels: Int
        let spatial: Int

        /// Where image `image`'s group `group` starts in a layout that keeps
        /// each image's channels, and each group's, contiguous: plain or
        /// channel-blocked with blocks dividing `width`.
        func byteOffset(image: Int, group: Int) -> Int {
            (image * channels + group * shape[1]) * spatial * MemoryLayout<Float>.size
        }
    }

    func imagePart(of shape: [Int], width: Int) -> ImagePart {
        ImagePart(shape: [1, width] + shape.dropFirst(2), channels: shape[1], spatial: shape.dropFirst(2).reduce(1, *))
    }
}
