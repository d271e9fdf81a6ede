/// How an engine computes convolutions.
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable {
    /// Winograd F(4×4, 3×3) for the 3×3 stride-1 convolutions where it beats
    /// oneDNN's direct kernel (AVX2 CPUs, enough output tiles), direct
    /// convolution everywhere else. Results differ from direct convolution by
    /// rounding only (relative error around 1e-6 per layer).
    case automatic = "auto"
    /// oneDNN's direct convolution everywhere, e.g. to measure what Winograd
    /// gains on a given model and machine.
    case direct
}

extension ConvolutionAlgorithm {
    /// Whether this CPU can run the Winograd kernel (AVX2 and FMA).
    public static var isWinogradAvailable: Bool { WinogradConvolution.isSupported }
}
