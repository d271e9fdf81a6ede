/// Filter taps along one axis for Pillow-compatible bilinear resampling.
///
/// Pillow's `resize(..., BILINEAR)` (what torchvision applies to PIL images)
/// is not textbook 2-tap bilinear: when shrinking, the triangle filter is
/// stretched by the scale factor so every source pixel contributes
/// (antialiasing). For output pixel i the filter is centred at
/// `(i + 0.5) * scale` in source coordinates, has half-width
/// `max(scale, 1)`, covers source pixels whose centres fall inside it, and its
/// weights are normalised to sum to one. We reproduce that definition.
///
/// Only the outputs in `outputs` are computed: a centre crop after a resize
/// never needs the columns and rows it throws away.
struct ResampleAxis {
    /// First source index per output (absolute source coordinates).
    let firstSource: [Int]
    /// Taps per output; weights for output i start at `i * maxTaps`.
    let tapCounts: [Int]
    let maxTaps: Int
    let weights: [Float]
    /// Source pixels any output touches.
    let sourceRange: Range<Int>

    /// - Parameters:
    ///   - sourceLength: pixels available along the axis.
    ///   - sourceSpan: extent in source pixels that maps onto the full output;
    ///     differs from `sourceLength` when the source was DCT-downscaled and
    ///     its last pixel only partly covers the original image.
    ///   - outputLength: size of the full (uncropped) resized axis.
    ///   - outputs: the outputs to compute (the crop window).
    init(sourceLength: Int, sourceSpan: Double, outputLength: Int, outputs: Range<Int>) {
        let scale = sourceSpan / Double(outputLength)
        let filterScale = max(scale, 1.0)
        let support = filterScale
        let maxTaps = Int(support.rounded(.up)) * 2 + 1
        var firstSource = [Int](repeating: 0, count: outputs.count)
        var tapCounts = [Int](repeating: 0, count: outputs.count)
        var weights = [Float](repeating: 0, count: outputs.count * maxTaps)
        var lowest = Int.max, highest = Int.min
        var taps = [Double](repeating: 0, count: maxTaps)
        for (index, output) in outputs.enumerated() {
            let center = (Double(output) + 0.5) * scale
            let first = max(Int(center - support + 0.5), 0)
            let end = min(Int(center + support + 0.5), sourceLength)
            let count = max(min(end - first, maxTaps), 0)
            var total = 0.0
            for tap in 0..<count {
                let distance = (Double(first + tap) - center + 0.5) / filterScale
                let weight = max(0, 1 - abs(distance))
                taps[tap] = weight
                total += weight
            }
            for tap in 0..<count {
                weights[index * maxTaps + tap] = Float(total != 0 ? taps[tap] / total : 0)
            }
            firstSource[index] = first
            tapCounts[index] = count
            if count > 0 {
                lowest = min(lowest, first)
                highest = max(highest, first + count)
            }
        }
        self.firstSource = firstSource
        self.tapCounts = tapCounts
        self.maxTaps = maxTaps
        self.weights = weights
        sourceRange = lowest <= highest ? lowest..<highest : 0..<0
    }
}
