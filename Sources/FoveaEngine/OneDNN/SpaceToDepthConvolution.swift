import CDNNL

/// A strided 2-D convolution over a few channels (a network's first layer)
/// computed as a stride-1 convolution over its input rearranged space to
/// depth: each s×s patch of the zero-padded input becomes s² channels of
/// one pixel, and a k×k kernel of stride s becomes a ⌈k/s⌉×⌈k/s⌉ kernel over
/// them, zero where it reaches past the original taps.
///
/// oneDNN 2.6 has no direct JIT kernel on AVX2 for AlexNet's first layer
/// (11×11, stride 4, 3 channels) and ran it on im2col and GEMM at a third
/// of the FMA peak, a quarter of the network's time at batch 8; as a 3×3
/// convolution over 48 channels it runs on the fast 3×3 kernels (Fovea's
/// Winograd on AVX2) for 19 % more multiplications than the original.
struct SpaceToDepthConvolution {
    let stride: Int
    /// The input inside its zero border, N×C×Hp×Wp: every tap the outputs
    /// read, rounded up to whole s×s patches.
    let paddedShape: [Int]
    /// The input's part inside the padded input, from `interiorOffsets` on.
    let interiorShape: [Int]
    let interiorOffsets: [Int]
    /// N×(C·s²)×(Hp/s)×(Wp/s); channel c·s² + a·s + b of pixel (h, w) is
    /// the padded input's channel c at (s·h + a, s·w + b).
    let rearrangedShape: [Int]
    /// The stride-1 convolution over the rearranged input, reading `source`.
    let convolution: Kernel.Convolution

    /// Input channels after rearranging up to which it is worth it.
    static let maximumRearrangedChannels = 64

    init?(_ conv: Kernel.Convolution, inputShape: [Int], outputShape: [Int], source: String) {
        guard inputShape.count == 4, conv.groups == 1, conv.dilations == [1, 1], conv.strides.count == 2,
              conv.strides[0] == conv.strides[1], conv.strides[0] > 1 else { return nil }
        let s = conv.strides[0]
        let weightShape = conv.weights.tensor.shape
        let channels = inputShape[1], outputs = weightShape[0], kernel = Array(weightShape.dropFirst(2))
        guard channels * s * s <= Self.maximumRearrangedChannels else { return nil }
        let taps = kernel.map { ($0 + s - 1) / s }
        let rearranged = (0..<2).map { outputShape[2 + $0] + taps[$0] - 1 }
        let padded = rearranged.map { $0 * s }
        guard (0..<2).allSatisfy({ padded[$0] > conv.padBegin[$0] }) else { return nil }
        stride = s
        paddedShape = Array(inputShape.prefix(2)) + padded
        interiorOffsets = [0, 0] + conv.padBegin
        interiorShape = Array(inputShape.prefix(2)) + (0..<2).map { min(inputShape[2 + $0], padded[$0] - conv.padBegin[$0]) }
        rearrangedShape = [inputShape[0], channels * s * s] + rearranged

        let weights = conv.weights.tensor.floats
        let rearrangedWindow = taps[0] * taps[1]
        var values = [Float](repeating: 0, count: outputs * channels * s * s * rearrangedWindow)
        for o in 0..<outputs {
            for c in 0..<channels {
                for y in 0..<kernel[0] {
                    for x in 0..<kernel[1] {
                        let channel = (o * channels + c) * s * s + (y % s) * s + x % s
                        values[channel * rearrangedWindow + (y / s) * taps[1] + x / s] =
                            weights[((o * channels + c) * kernel[0] + y) * kernel[1] + x]
                    }
                }
            }
        }
        var rewritten = conv
        rewritten.source = source
        rewritten.weights = NamedConstant(name: "\(conv.weights.name)::space_to_depth\(s)",
                                          tensor: Tensor(shape: [outputs, channels * s * s] + taps, floats: values))
        rewritten.strides = [1, 1]
        rewritten.padBegin = [0, 0]
        rewritten.padEnd = [0, 0]
        convolution = rewritten
    }

    /// The padded input (row-major) and the rearranged one (row-major
    /// N×(C·s²)×H'×W') as the same six-dimensional tensor N×C×H'×s×W'×s,
    /// for the reorder that rearranges.
    func rearrangingViews() throws -> (from: dnnl_memory_desc_t, to: dnnl_memory_desc_t) {
        let s = stride, n = paddedShape[0], c = paddedShape[1], height = rearrangedShape[2], width = rearrangedShape[3]
        let dims = [n, c, height, s, width, s]
        let paddedWidth = paddedShape[3], paddedPlane = paddedShape[2] * paddedShape[3]
        let plane = height * width
        let from = try MemoryDescriptor.strided(dims, strides: [c * paddedPlane, paddedPlane, s * paddedWidth, paddedWidth, s, 1])
        let to = try MemoryDescriptor.strided(dims, strides: [c * s * s * plane, s * s * plane, width, s * plane, 1, plane])
        return (from, to)
    }
}
