import CNativeKernels

/// A 3×3 convolution computed by one of the SIMD kernels of
/// `CNativeKernels` instead of oneDNN, where oneDNN 2.6 is weak on
/// AVX2 CPUs:
///
/// - Winograd F(4×4, 3×3) for stride-1 convolutions on images of at least
///   16 output tiles: oneDNN has Winograd only for AVX-512, and its direct
///   kernel needs 4× the multiplications, which is most of ResNet's time.
/// - Winograd F(2×2, 3×3) for smaller images with at least 16 of its 2×2
///   tiles (ResNet's 7×7 stage): 2.25× fewer multiplications with
///   transformed weights 16/9 the direct size instead of 4×, which small
///   images cannot amortize (7×7, 512 channels, two threads, batch 1: 1.4 ms
///   vs 1.8 ms for F(4×4) and for the direct kernel below).
/// - A direct kernel blocked over output pixels for the remaining small
///   images (at most 8×8 outputs, stride 1 or 2): oneDNN's kernel blocks
///   along an image row, which a 7×7 image leaves mostly empty, and barely
///   speeds up on a second core there.
///
/// Activations stay in nChw8c (what oneDNN's AVX2 kernels use), so the
/// neighbouring primitives read and write the same buffers without reorders.
struct NativeConvolution {
    enum Kind: Sendable { case winograd4x4, winograd2x2, direct }

    let kind: Kind
    let shape: fovea_conv3x3_shape
    let epilogue: fovea_epilogue

    /// Below this many output tiles per image the transformed weights are
    /// streamed for too little arithmetic: F(4×4) on ResNet's 7×7,
    /// 512-channel stage (4 tiles) ran slower than oneDNN at batch 1.
    /// Counted per image, not per batch, so every plan of a model makes the
    /// same choice and never holds a weight in two forms.
    static let winogradMinimumTilesPerImage = 16
    /// Output pixels per image up to which the direct kernel replaces oneDNN's.
    static let directMaximumPixelsPerImage = 64

    static let isSupported = fovea_conv3x3_supported() != 0

    /// Nil when no native kernel computes `conv` or none would be faster.
    init?(_ conv: Kernel.Convolution, inputShape: [Int], outputShape: [Int]) {
        guard Self.isSupported, inputShape.count == 4, outputShape.count == 4,
              Array(conv.weights.tensor.shape.dropFirst(2)) == [3, 3], conv.groups == 1, conv.dilations == [1, 1],
              conv.strides.count == 2, conv.strides[0] == conv.strides[1], conv.padBegin.count == 2,
              conv.padBegin.allSatisfy({ $0 <= 2 }),
              // The kernels count tiles and pixels in 32-bit integers.
              inputShape.reduce(1, *) <= Int(Int32.max), outputShape.reduce(1, *) <= Int(Int32.max),
              let epilogue = Self.epilogue(for: conv.postOps) else { return nil }
        var shape = fovea_conv3x3_shape(
            batch: Int32(inputShape[0]), channels: Int32(inputShape[1]), outputChannels: Int32(outputShape[1]),
            height: Int32(inputShape[2]), width: Int32(inputShape[3]),
            outputHeight: Int32(outputShape[2]), outputWidth: Int32(outputShape[3]),
            padTop: Int32(conv.padBegin[0]), padLeft: Int32(conv.padBegin[1]), stride: Int32(conv.strides[0]))
        func tiles(_ edge: Int) -> Int { ((outputShape[2] + edge - 1) / edge) * ((outputShape[3] + edge - 1) / edge) }
        let winograd = fovea_winograd_accepts(&shape) != 0
        if winograd, tiles(4) >= Self.winogradMinimumTilesPerImage {
            kind = .winograd4x4
        } else if winograd, tiles(2) >= Self.winogradMinimumTilesPerImage {
            kind = .winograd2x2
        } else if outputShape[2] * outputShape[3] <= Self.directMaximumPixelsPerImage, fovea_direct3x3_accepts(&shape) != 0 {
            kind = .direct
        } else {
            return nil
        }
        self.shape = shape
        self.epilogue = epilogue
    }

    /// The post-ops as kernel epilogue steps; nil for any the kernels lack.
    private static func epilogue(for postOps: [PostOp]) -> fovea_epilogue? {
        var steps: [fovea_epilogue_step] = []
        for postOp in postOps {
            switch postOp {
            case .residualAdd: steps.append(fovea_epilogue_step(kind: FOVEA_EPILOGUE_ADD_DESTINATION, alpha: 0, beta: 0))
            case .activation(.relu): steps.append(fovea_epilogue_step(kind: FOVEA_EPILOGUE_RELU, alpha: 0, beta: 0))
            case .activation(.leakyRelu(let alpha)): steps.append(fovea_epilogue_step(kind: FOVEA_EPILOGUE_RELU, alpha: alpha, beta: 0))
            case .activation(.clip(let low, let high)): steps.append(fovea_epilogue_step(kind: FOVEA_EPILOGUE_CLIP, alpha: low, beta: high))
            case .activation: return nil
            }
        }
        guard steps.count <= Int(FOVEA_EPILOGUE_MAX_STEPS) else { return nil }
        var epilogue = fovea_epilogue()
        epilogue.count = Int32(steps.count)
        withUnsafeMutableBytes(of: &epilogue.steps) { raw in
            let slots = raw.bindMemory(to: fovea_epilogue_step.self)
            for (index, step) in steps.enumerated() { slots[index] = step }
        }
        return epilogue
    }

    var channels: Int { Int(shape.channels) }
    var outputChannels: Int { Int(shape.outputChannels) }

    func scratchBytes(threads: Int) -> Int {
        let floats = withUnsafePointer(to: shape) { shape in
            switch kind {
            case .winograd4x4: return fovea_winograd_scratch_count(FOVEA_WINOGRAD_F4, shape, Int32(threads))
            case .winograd2x2: return fovea_winograd_scratch_count(FOVEA_WINOGRAD_F2, shape, Int32(threads))
            case .direct: return fovea_direct3x3_scratch_count(shape)
            }
        }
        return floats * MemoryLayout<Float>.size
    }

    /// The convolution bound to its plan's memory.
    struct Run {
        let convolution: NativeConvolution
        let weights: NativeConvolutionWeights
        let source: UnsafePointer<Float>
        /// nChw8c; holds the residual beforehand when the epilogue adds one.
        let destination: UnsafeMutablePointer<Float>
        /// `scratchBytes(threads:)` bytes, 64-byte aligned.
        let scratch: UnsafeMutablePointer<Float>
        let threads: Int

        func callAsFunction() {
            withUnsafePointer(to: convolution.shape) { shape in
                withUnsafePointer(to: convolution.epilogue) { epilogue in
                    switch convolution.kind {
                    case .winograd4x4:
                        fovea_winograd_run(FOVEA_WINOGRAD_F4, shape, weights.packed, weights.bias, epilogue, source, destination,
                                           scratch, Int32(threads))
                    case .winograd2x2:
                        fovea_winograd_run(FOVEA_WINOGRAD_F2, shape, weights.packed, weights.bias, epilogue, source, destination,
                                           scratch, Int32(threads))
                    case .direct:
                        fovea_direct3x3_run(shape, weights.packed, weights.bias, epilogue, source, destination, scratch, Int32(threads))
                    }
                }
            }
        }
    }
}
