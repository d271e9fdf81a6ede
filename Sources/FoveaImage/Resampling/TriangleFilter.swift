/// Pillow's `resize(..., BILINEAR)` filter along one axis of an image.
///
/// Pillow's bilinear (what torchvision applies to PIL images) is not textbook
/// 2-tap bilinear: when shrinking, the triangle filter is stretched by the
/// scale factor so every source pixel contributes (antialiasing). For output
/// pixel i the filter is centred at `(i + 0.5) * scale` in source coordinates,
/// has half-width `max(scale, 1)`, covers source pixels whose centres fall
/// inside it, and its weights are normalised to sum to one. We reproduce that
/// definition.
struct TriangleFilter {
    let sourceLength: Int
    private let sourceOffset: Double
    private let scale: Double
    private let filterScale: Double

    /// - Parameters:
    ///   - sourceLength: pixels available along the axis.
    ///   - sourceSpan: extent in source pixels that maps onto the full output;
    ///     differs from `sourceLength` when the source was DCT-downscaled and
    ///     its last pixel only partly covers the original image.
    ///   - sourceOffset: source coordinate where the image starts; nonzero
    ///     when that partly covered pixel comes first along the axis.
    ///   - outputLength: size of the full (uncropped) resized axis.
    init(sourceLength: Int, sourceSpan: Double, sourceOffset: Double = 0, outputLength: Int) {
        self.sourceLength = sourceLength
        self.sourceOffset = sourceOffset
        scale = sourceSpan / Double(outputLength)
        filterScale = max(scale, 1.0)
    }

    /// Most taps any output can have.
    var maxTaps: Int { Int(filterScale.rounded(.up)) * 2 + 1 }

    /// Normalised weights of `output`, starting at source pixel `first`.
    func taps(output: Int) -> FilterTaps {
        let support = filterScale
        let center = (Double(output) + 0.5) * scale + sourceOffset
        let first = max(Int(center - support + 0.5), 0)
        let end = min(Int(center + support + 0.5), sourceLength)
        var weights = (first..<max(end, first)).map { source in
            max(0, 1 - abs((Double(source) - center + 0.5) / filterScale))
        }
        let total = weights.reduce(0, +)
        for index in weights.indices {
            weights[index] = total != 0 ? weights[index] / total : 0
        }
        return FilterTaps(first: first, weights: weights)
    }
}

/// Weights of one output pixel over consecutive source pixels.
struct FilterTaps {
    var first: Int
    var weights: [Double]
}
