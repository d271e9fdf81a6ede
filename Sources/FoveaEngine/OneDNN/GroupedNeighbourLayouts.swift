/// Convolutions that run in the layout their source has instead of the
/// strategy's channel blocks, because grouped convolutions off those blocks
/// surround them.
///
/// A grouped convolution whose groups are not whole channel blocks has JIT
/// kernels only in another layout: the widest block dividing its groups (8
/// channels), channels last (nhwc), or plain for im2col and GEMM. A
/// convolution between two such neighbours — ShuffleNet v1's depthwise
/// convolution, reading a grouped 1×1 convolution through its channel
/// shuffle and read by another — ran in the strategy's blocks with a reorder
/// on each side; in the layout its source comes in, which its reader wants
/// too, it needs none.
enum GroupedNeighbourLayouts {
    /// Whether `conv` is grouped (not depthwise) with groups that are not
    /// multiples of `block` channels on both sides.
    static func isOffBlock(_ conv: Kernel.Convolution, block: Int) -> Bool {
        let weights = conv.weights.tensor.shape
        guard conv.groups > 1, weights.count == 4, weights[1] > 1 else { return false }
        return weights[1] % block != 0 || (weights[0] / conv.groups) % block != 0
    }

    /// The destinations of the convolutions whose source comes from an
    /// off-block grouped convolution, directly or through channel shuffles
    /// and activations, and whose result only off-block grouped
    /// convolutions read.
    static func convolutions(in program: ExecutionProgram, shuffles: [ChannelShuffle], block: Int) -> Set<String> {
        var producers: [String: Kernel] = [:]
        for kernel in program.kernels {
            switch kernel {
            case .convolution(let conv): producers[conv.destination] = kernel
            case .activation(_, let destination, _): producers[destination] = kernel
            default: break
            }
        }
        let shuffled = Dictionary(shuffles.map { ($0.destination, $0.source) }, uniquingKeysWith: { first, _ in first })
        let readers = program.readers(), outputs = Set(program.outputs.map(\.value))
        func comesFromOffBlock(_ value: String) -> Bool {
            if let source = shuffled[value] { return comesFromOffBlock(source) }
            switch producers[value] {
            case .activation(let source, _, _)?: return comesFromOffBlock(source)
            case .convolution(let conv)?: return isOffBlock(conv, block: block)
            default: return false
            }
        }
        var found: Set<String> = []
        for case .convolution(let conv) in program.kernels {
            guard !isOffBlock(conv, block: block), conv.residual == nil, !outputs.contains(conv.destination),
                  comesFromOffBlock(conv.source), let readerIndices = readers[conv.destination],
                  readerIndices.allSatisfy({ index in
                      guard case .convolution(let reader) = program.kernels[index] else { return false }
                      return reader.source == conv.destination && isOffBlock(reader, block: block)
                  }) else { continue }
            found.insert(conv.destination)
        }
        return found
    }
}
