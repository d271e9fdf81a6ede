import CDNNL

/// Which kernels compute a plan's convolutions on this CPU, from the
/// requested `ConvolutionAlgorithm` and the instruction set oneDNN runs.
///
/// oneDNN 2.6 has Winograd convolutions only for AVX-512. Where it has them
/// they beat Fovea's AVX2 kernels (resnet50 at batch 1 on a 2-core Zen 4:
/// 0.87–1.18 ms vs 1.03–1.90 ms per 3×3 layer from 56×56 to 14×14,
/// 1.5–1.6 ms vs 2.3–2.5 ms on the 7×7 stage), and the native kernels' nChw8c activations would need a
/// reorder on each side, since oneDNN's AVX-512 kernels block by 16.
/// Without AVX-512 the native kernels are the only Winograd there is.
struct ConvolutionStrategy {
    /// Fovea's AVX2 kernels for the 3×3 convolutions they are faster at.
    let usesNativeKernels: Bool
    /// oneDNN's Winograd for 3×3 stride-1 convolutions, where it has one.
    let usesOneDNNWinograd: Bool
    /// Layout every convolution reads and writes when its channel counts
    /// allow, instead of oneDNN's choice. oneDNN's Winograd takes only
    /// nChw16c while its brgemm convolutions, which it picks for free
    /// layouts, prefer nhwc: left free, every Winograd layer would be
    /// wrapped in two reorders. Its 1×1 kernels for nChw16c are as fast.
    let blockedActivations: (format: dnnl_format_tag_t, channels: Int)?

    init(_ algorithm: ConvolutionAlgorithm, isa: dnnl_cpu_isa_t = dnnl_get_effective_cpu_isa()) {
        let avx512 = isa.rawValue & dnnl_cpu_isa_avx512_core.rawValue == dnnl_cpu_isa_avx512_core.rawValue
        switch algorithm {
        case .automatic where avx512:
            usesNativeKernels = false
            usesOneDNNWinograd = true
            blockedActivations = (dnnl_aBcd16b, 16)
        case .automatic, .native:
            usesNativeKernels = true
            usesOneDNNWinograd = false
            blockedActivations = nil
        case .oneDNN:
            usesNativeKernels = false
            usesOneDNNWinograd = false
            blockedActivations = nil
        }
    }

    /// Whether oneDNN's Winograd may compute `conv` (it still declines
    /// shapes it has no kernel for, which then run direct).
    func triesWinograd(_ conv: Kernel.Convolution) -> Bool {
        usesOneDNNWinograd && conv.groups == 1 && Array(conv.weights.tensor.shape.dropFirst(2)) == [3, 3]
            && conv.strides.allSatisfy { $0 == 1 } && conv.dilations.allSatisfy { $0 == 1 }
    }

    /// Whether a Winograd convolution writing `outputShape` (NCHW) should
    /// take F(4×4) at every batch size rather than the kernel oneDNN ranks
    /// first for the first plan's batch size.
    ///
    /// oneDNN ranks F(2×2) first at batch 1 on most ResNet stages but does
    /// not offer it at batch 8, where those convolutions then ran direct at
    /// twice the time of F(4×4); one form per convolution (see the
    /// compiler) rules out holding both. Minimum times per resnet50 layer
    /// on a 2-core Zen 4, batch 1 / batch 8, in ms: 56×56×64 F(4×4)
    /// 0.44 / 3.2, F(2×2) 0.51 / direct 8.1; 14×14×256 F(4×4) 0.65 / 3.9,
    /// F(2×2) 0.55 / direct 7.5; 7×7×512 F(4×4) 1.35 / 4.2, F(2×2) 0.82 /
    /// direct 7.1. From 16 tiles of 4×4 outputs per image (outputs of
    /// 13×13 and up) F(4×4) wins or nearly ties at batch 1 and halves batch
    /// 8; below that its batch-1 GEMMs are too short, and its weights,
    /// 4× the direct ones, are also the largest there (the 7×7 stage holds
    /// 57 % of resnet50's 3×3 weights: F(4×4) everywhere took batch 1 + 8
    /// to 371 MiB resident, against 272 MiB with this rule; bound 295 MiB).
    func prefersWinograd4x4(outputShape: [Int]) -> Bool {
        guard outputShape.count == 4 else { return false }
        let tiles = ((outputShape[2] + 3) / 4) * ((outputShape[3] + 3) / 4)
        return tiles >= 16
    }

    /// The layouts a convolution from `source` to `destination` (NCHW
    /// shapes) is held to; nil leaves a side to oneDNN. `linked` tells
    /// whether an activation links two convolutions only.
    ///
    /// Both sides are held or neither: oneDNN's fast kernels read and write
    /// the same layout family, and for a mix it falls back to slow ones.
    /// The exception is a network's first convolution, reading a few colour
    /// channels: oneDNN has kernels that read them plain and write blocked,
    /// where left free it chose nhwc on both sides and wrapped the layer in
    /// two reorders.
    func convolutionFormats(source: [Int], destination: [Int], linked: (source: Bool, destination: Bool))
        -> (source: dnnl_format_tag_t?, destination: dnnl_format_tag_t?) {
        guard let blocked = blockedActivations else { return (nil, nil) }
        let sourceFormat = activationFormat(for: source, betweenConvolutions: linked.source)
        let destinationFormat = activationFormat(for: destination, betweenConvolutions: linked.destination)
        if let sourceFormat, let destinationFormat { return (sourceFormat, destinationFormat) }
        if source.count == 4, source[1] < blocked.channels / 2, destinationFormat != nil { return (nil, destinationFormat) }
        return (nil, nil)
    }

    /// The blocked layout for a 4-D activation of `shape`, if it may take
    /// one. A channel count that is not a multiple of the block is padded up
    /// to one only where the activation links two convolutions
    /// (`betweenConvolutions`) and the padding adds at most a third. Left to
    /// oneDNN, such a stage (MobileNetV2's 24 channels at 56×56) ran in nhwc
    /// between blocked neighbours, with a reorder on each side: 15 % of
    /// mobilenet_v2's batch-8 time.
    private func activationFormat(for shape: [Int], betweenConvolutions: Bool) -> dnnl_format_tag_t? {
        guard let blocked = blockedActivations, shape.count == 4 else { return nil }
        if shape[1] % blocked.channels == 0 { return blocked.format }
        let padded = (shape[1] + blocked.channels - 1) / blocked.channels * blocked.channels
        guard betweenConvolutions, 3 * padded <= 4 * shape[1] else { return nil }
        return blocked.format
    }
}
