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

    /// The fixed layout for a 4-D activation of `shape`, or nil to leave it to oneDNN.
    func activationFormat(for shape: [Int]) -> dnnl_format_tag_t? {
        guard let blocked = blockedActivations, shape.count == 4, shape[1] % blocked.channels == 0 else { return nil }
        return blocked.format
    }
}
