/// Two-pass (horizontal, then vertical) resampling of upright pixels straight
/// into the output tensor.
///
/// Like Pillow, each pass rounds to whole 0…255 levels: the models were
/// trained on Pillow's 8-bit output, and rounding identically keeps us within
/// a level of it instead of drifting by fractions everywhere.
struct SeparableResampler {
    let columns: ResampleAxis
    let rows: ResampleAxis

    /// - Precondition: `source` covers `columns.sourceRange × rows.sourceRange`.
    func run(source: UprightPixels, into writer: TensorWriter) {
        let outWidth = columns.firstSource.count
        let rowRange = rows.sourceRange
        let rowFloats = outWidth * 3
        let intermediate = UnsafeMutablePointer<Float>.allocate(capacity: max(rowRange.count * rowFloats, 1))
        defer { intermediate.deallocate() }
        let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: max(rowFloats, 1))
        defer { accumulator.deallocate() }

        columns.weights.withUnsafeBufferPointer { weights in
            columns.firstSource.withUnsafeBufferPointer { firstSource in
                columns.tapCounts.withUnsafeBufferPointer { tapCounts in
                    for (index, y) in rowRange.enumerated() {
                        horizontalPass(source: source, y: y, weights: weights.baseAddress!,
                                       firstSource: firstSource, tapCounts: tapCounts,
                                       into: intermediate + index * rowFloats)
                    }
                }
            }
        }
        rows.weights.withUnsafeBufferPointer { weights in
            for outY in 0..<rows.firstSource.count {
                let taps = rows.tapCounts[outY]
                let firstRow = intermediate + (rows.firstSource[outY] - rowRange.lowerBound) * rowFloats
                let rowWeights = weights.baseAddress! + outY * rows.maxTaps
                accumulator.initialize(repeating: 0, count: rowFloats)
                for tap in 0..<taps {
                    let weight = rowWeights[tap]
                    let line = firstRow + tap * rowFloats
                    for i in 0..<rowFloats {
                        accumulator[i] += weight * line[i]
                    }
                }
                for i in 0..<rowFloats {
                    accumulator[i] = roundToLevel(accumulator[i])
                }
                writer.writeRow(outY, rgb: accumulator)
            }
        }
    }

    private func horizontalPass(source: UprightPixels, y: Int, weights: UnsafePointer<Float>,
                                firstSource: UnsafeBufferPointer<Int>, tapCounts: UnsafeBufferPointer<Int>,
                                into out: UnsafeMutablePointer<Float>) {
        let row = source.base + source.start + (y - source.originY) * source.yStep
        let step = source.xStep
        let maxTaps = columns.maxTaps
        for outX in 0..<firstSource.count {
            var pixel = row + (firstSource[outX] - source.originX) * step
            let tapWeights = weights + outX * maxTaps
            var r: Float = 0, g: Float = 0, b: Float = 0
            for tap in 0..<tapCounts[outX] {
                let weight = tapWeights[tap]
                r += weight * Float(pixel[0])
                g += weight * Float(pixel[1])
                b += weight * Float(pixel[2])
                pixel += step
            }
            out[outX * 3] = roundToLevel(r)
            out[outX * 3 + 1] = roundToLevel(g)
            out[outX * 3 + 2] = roundToLevel(b)
        }
    }

    /// Round half up and clamp to 0…255. Clamping first makes truncation
    /// equal to floor, which compiles to one SSE2 conversion instead of a
    /// libm `floorf` call per value (baseline x86-64 has no SSE4.1 round).
    @inline(__always)
    private func roundToLevel(_ value: Float) -> Float {
        Float(Int32(min(max(value + 0.5, 0), 255)))
    }
}
