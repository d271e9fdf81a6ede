import CConvolutionKernels

/// A 3×3, stride-1 convolution computed with Winograd F(4×4, 3×3) by
/// `CConvolutionKernels` instead of oneDNN.
///
/// oneDNN 2.6 has Winograd kernels only for AVX-512. On AVX2 its direct 3×3
/// convolution is bounded by one multiply-add per weight and pixel, while
/// Winograd needs a quarter of those, which is most of ResNet's run time.
/// Activations stay in nChw8c (what oneDNN's AVX2 kernels use), so the
/// neighbouring primitives read and write the same buffers without reorders.
struct WinogradConvolution {
    let shape: fovea_winograd_shape
    let epilogue: fovea_epilogue

    /// Below this many 4×4 output tiles per image the transformed weights
    /// (4× the size of direct ones) are streamed for too little arithmetic:
    /// ResNet's 7×7, 512-channel stage (4 tiles) ran slower than oneDNN at
    /// batch 1. Counted per image, not per batch, so every plan of a model
    /// makes the same choice and never holds a weight in both forms.
    static let minimumTilesPerImage = 16

    static let isSupported = fovea_winograd_supported() != 0

    /// Nil when the kernel cannot compute `conv` or would not be faster.
    init?(_ conv: Kernel.Convolution, inputShape: [Int], outputShape: [Int]) {
        let kernel = Array(conv.weights.tensor.shape.dropFirst(2))
        guard Self.isSupported, inputShape.count == 4, outputShape.count == 4, kernel == [3, 3], conv.groups == 1,
              conv.strides == [1, 1], conv.dilations == [1, 1], conv.padBegin.count == 2,
              let epilogue = Self.epilogue(for: conv.postOps) else { return nil }
        let tiles = ((outputShape[2] + 3) / 4) * ((outputShape[3] + 3) / 4)
        guard tiles >= Self.minimumTilesPerImage, inputShape.allSatisfy({ $0 <= Int(Int32.max) }) else { return nil }
        var shape = fovea_winograd_shape(
            batch: Int32(inputShape[0]), channels: Int32(inputShape[1]), outputChannels: Int32(outputShape[1]),
            height: Int32(inputShape[2]), width: Int32(inputShape[3]),
            outputHeight: Int32(outputShape[2]), outputWidth: Int32(outputShape[3]),
            padTop: Int32(conv.padBegin[0]), padLeft: Int32(conv.padBegin[1]))
        guard conv.padBegin.allSatisfy({ $0 <= 2 }), fovea_winograd_accepts(&shape) != 0 else { return nil }
        self.shape = shape
        self.epilogue = epilogue
    }

    /// The post-ops as kernel epilogue steps; nil for any the kernel lacks.
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
        withUnsafePointer(to: shape) { fovea_winograd_scratch_count($0, Int32(threads)) } * MemoryLayout<Float>.size
    }

    /// The convolution bound to its plan's memory.
    struct Run {
        let convolution: WinogradConvolution
        let weights: WinogradWeights
        let source: UnsafePointer<Float>
        /// nChw8c; holds the residual beforehand when the epilogue adds one.
        let destination: UnsafeMutablePointer<Float>
        /// `scratchBytes(threads:)` bytes, 64-byte aligned.
        let scratch: UnsafeMutablePointer<Float>
        let threads: Int

        func callAsFunction() {
            withUnsafePointer(to: convolution.shape) { shape in
                withUnsafePointer(to: convolution.epilogue) { epilogue in
                    fovea_winograd_run(shape, weights.transformed, weights.bias, epilogue, source, destination, scratch, Int32(threads))
                }
            }
        }
    }
}
