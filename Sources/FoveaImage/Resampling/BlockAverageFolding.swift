/// Carries a filter meant for the full-resolution image over to a JPEG
/// decoded at a reduced DCT scale, where each decoded pixel is the mean of an
/// m × m block of the full-resolution decode (libjpeg-turbo's reduced IDCTs
/// compute exactly those averages, for every component that is not
/// chroma-subsampled).
///
/// Applying Pillow's triangle to the block means on the decoded grid differs
/// from a full decode by up to 3/255 on the sample photo at 1/2 scale. The loss is not blur: both filters have practically the same
/// width, and shrinking the triangle to make variances add up measured worse.
/// It is the detail inside each block: across a block the triangle's weights
/// rise or fall linearly, so a full-resolution pixel's contribution depends
/// on where in the block it sits, which block means cannot tell. We estimate
/// each full-resolution pixel as its block mean plus the local slope (central
/// difference of the neighbouring block means) times its offset from the
/// block centre, exact for linear gradients, and fold the full-resolution
/// weights through that estimate. The result is still one linear filter over
/// the decoded pixels, two taps wider, so resampling costs the same.
/// Measured at 1/2 scale on the sample photo (Resize 256, CenterCrop 224):
/// max 3 → 2, mean 0.28 → 0.24 levels against Pillow.
struct BlockAverageFolding {
    /// Full-resolution pixels along the axis.
    let imageLength: Int
    /// m: full-resolution pixels per decoded pixel.
    let blockSize: Int
    /// The axis runs against the stored pixel order (a flip or rotation):
    /// blocks then start at the far end of the axis.
    let reversed: Bool

    /// Decoded pixels along the axis (libjpeg rounds partial blocks up).
    var sourceLength: Int { (imageLength + blockSize - 1) / blockSize }

    /// Most folded taps when the full-resolution filter has at most `fullTaps`.
    func maxTaps(fullTaps: Int) -> Int { (fullTaps + blockSize - 1) / blockSize + 3 }

    func fold(_ taps: FilterTaps) -> FilterTaps {
        guard !taps.weights.isEmpty else { return taps }
        let count = sourceLength
        let first = block(of: taps.first).index
        let last = block(of: taps.first + taps.weights.count - 1).index
        let lower = max(min(first, last) - 1, 0)
        let upper = min(max(first, last) + 1, count - 1)
        var folded = [Double](repeating: 0, count: upper - lower + 1)
        let halfSpan = Double(blockSize - 1) / 2
        for (tap, weight) in taps.weights.enumerated() {
            let (index, position) = block(of: taps.first + tap)
            folded[index - lower] += weight
            // Slope per full-resolution pixel: (mean[i+1] − mean[i−1]) / (2m),
            // clamped at the ends of the axis.
            let slopeWeight = weight * (Double(position) - halfSpan) / Double(2 * blockSize)
            folded[min(index + 1, count - 1) - lower] += slopeWeight
            folded[max(index - 1, 0) - lower] -= slopeWeight
        }
        return FilterTaps(first: lower, weights: folded)
    }

    /// Decoded pixel holding full-resolution pixel `pixel`, and the pixel's
    /// position inside that block, both along the (possibly reversed) axis.
    private func block(of pixel: Int) -> (index: Int, position: Int) {
        guard reversed else { return (pixel / blockSize, pixel % blockSize) }
        let stored = imageLength - 1 - pixel
        return (sourceLength - 1 - stored / blockSize, blockSize - 1 - stored % blockSize)
    }
}
