import CImageResampling

/// Filter taps along one axis, packed for the resampler's inner loops.
///
/// Only the outputs in `outputs` are computed: a centre crop after a resize
/// never needs the columns and rows it throws away.
struct ResampleAxis {
    /// First source index per output, counted from `sourceRange.lowerBound`.
    let firstOffset: [Int]
    /// Taps per output; weights for output i start at `i * maxTaps`.
    let tapCounts: [Int]
    let maxTaps: Int
    let weights: [Float]
    /// Source pixels any output touches.
    let sourceRange: Range<Int>

    /// Pillow's filter applied to the source pixels as they are (see `TriangleFilter`).
    init(sourceLength: Int, sourceSpan: Double, sourceOffset: Double = 0, outputLength: Int, outputs: Range<Int>) {
        let filter = TriangleFilter(sourceLength: sourceLength, sourceSpan: sourceSpan, sourceOffset: sourceOffset,
                                    outputLength: outputLength)
        self.init(taps: outputs.map(filter.taps), maxTaps: filter.maxTaps)
    }

    /// Pillow's filter for the full-resolution image, applied to a source
    /// decoded at 1/m of it (see `BlockAverageFolding`).
    init(blocks: BlockAverageFolding, outputLength: Int, outputs: Range<Int>) {
        let filter = TriangleFilter(sourceLength: blocks.imageLength, sourceSpan: Double(blocks.imageLength),
                                    outputLength: outputLength)
        self.init(taps: outputs.map { blocks.fold(filter.taps(output: $0)) },
                  maxTaps: blocks.maxTaps(fullTaps: filter.maxTaps))
    }

    private init(taps: [FilterTaps], maxTaps: Int) {
        var weights = [Float](repeating: 0, count: taps.count * maxTaps)
        var lowest = Int.max, highest = Int.min
        for (index, output) in taps.enumerated() {
            let count = min(output.weights.count, maxTaps)
            for tap in 0..<count {
                weights[index * maxTaps + tap] = Float(output.weights[tap])
            }
            if count > 0 {
                lowest = min(lowest, output.first)
                highest = max(highest, output.first + count)
            }
        }
        let range = lowest <= highest ? lowest..<highest : 0..<0
        sourceRange = range
        firstOffset = taps.map { $0.weights.isEmpty ? 0 : $0.first - range.lowerBound }
        tapCounts = taps.map { min($0.weights.count, maxTaps) }
        self.maxTaps = maxTaps
        self.weights = weights
    }

    var outputCount: Int { firstOffset.count }

    /// The taps as the C kernels take them, valid inside `body` only.
    func withKernelTaps<R>(_ body: (UnsafePointer<fovea_resample_taps>) -> R) -> R {
        firstOffset.withUnsafeBufferPointer { first in
            tapCounts.withUnsafeBufferPointer { counts in
                weights.withUnsafeBufferPointer { weights in
                    var taps = fovea_resample_taps(first: first.baseAddress, taps: counts.baseAddress,
                                                   weights: weights.baseAddress, max_taps: maxTaps,
                                                   outputs: firstOffset.count)
                    return body(&taps)
                }
            }
        }
    }
}
