/// How an engine computes convolutions.
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable {
    /// The fastest 3×3 kernels this CPU has: oneDNN's Winograd convolutions
    /// with AVX-512, `native` with AVX2 only (oneDNN 2.6 has no Winograd
    /// there). Winograd results differ from direct convolution by rounding
    /// only (relative error around 1e-6 per layer).
    case automatic = "auto"
    /// Fovea's own AVX2 kernels for the 3×3 convolutions where oneDNN 2.6's
    /// direct ones are weak (Winograd F(4×4, 3×3) or F(2×2, 3×3) for stride 1
    /// by image size, a pixel-blocked direct kernel for the smallest
    /// images), oneDNN's direct convolutions for everything else.
    case native = "native"
    /// oneDNN's direct convolutions everywhere, e.g. to measure what
    /// Winograd gains on a given model and machine.
    case oneDNN = "onednn"

    /// Whether this CPU can run the native kernels (AVX2 and FMA).
    public static var nativeKernelsAvailable: Bool { NativeConvolution.isSupported }

    /// Whether `automatic` uses oneDNN's Winograd (AVX-512) rather than the
    /// native kernels on this CPU.
    public static var automaticUsesOneDNNWinograd: Bool { ConvolutionStrategy(.automatic).usesOneDNNWinograd }
}

/// How many convolutions of a plan each native kernel computes.
public struct NativeConvolutionCounts: Sendable, Equatable {
    public var winograd4x4 = 0
    public var winograd2x2 = 0
    public var direct = 0

    public init(winograd4x4: Int = 0, winograd2x2: Int = 0, direct: Int = 0) {
        self.winograd4x4 = winograd4x4
        self.winograd2x2 = winograd2x2
        self.direct = direct
    }
}
