import Dispatch

/// Two-pass (horizontal, then vertical) resampling of upright pixels straight
/// into the output tensor.
///
/// Like Pillow, each pass rounds to whole 0…255 levels: the models were
/// trained on Pillow's 8-bit output, and rounding identically keeps us within
/// a level of it instead of drifting by fractions everywhere.
struct SeparableResampler {
    let columns: ResampleAxis
    let rows: ResampleAxis

    /// Source pixels each thread must have before a pass is split: below
    /// that, a pass takes well under a millisecond and handing half of it to
    /// another thread saves little more than the hand-off costs.
    static let minimumPixelsPerThread = 1 << 18

    /// - Precondition: `source` covers `columns.sourceRange × rows.sourceRange`.
    /// - Parameter threads: threads the rows of each pass may be split over;
    ///   used only when the source region is large enough to gain from it.
    /// - Parameter pool: where the horizontal pass's output rows are kept.
    func run(source: UprightPixels, into writer: TensorWriter, threads: Int = 1,
             pool: ImageBufferPool) throws(ImageDecodingError) {
        let rowRange = rows.sourceRange
        let rowFloats = columns.firstSource.count * 3
        let threads = columns.sourceRange.count * rowRange.count >= Self.minimumPixelsPerThread * 2 ? threads : 1
        let floats = max(rowRange.count * rowFloats, 1)
        guard let intermediate = pool.take(byteCount: floats * MemoryLayout<Float>.stride) else { throw .outOfMemory }
        nonisolated(unsafe) let shared = intermediate.base.bindMemory(to: Float.self, capacity: floats)
        // The passes read and write through `shared`, not through the buffer object.
        withExtendedLifetime(intermediate) {
            Self.split(rowRange.count, threads: threads) { part in
                columns.weights.withUnsafeBufferPointer { weights in
                    columns.firstSource.withUnsafeBufferPointer { firstSource in
                        columns.tapCounts.withUnsafeBufferPointer { tapCounts in
                            for index in part {
                                horizontalPass(source: source, y: rowRange.lowerBound + index,
                                               weights: weights.baseAddress!, firstSource: firstSource,
                                               tapCounts: tapCounts, into: shared + index * rowFloats)
                            }
                        }
                    }
                }
            }
            Self.split(rows.firstSource.count, threads: threads) { part in
                verticalPass(outputRows: part, intermediate: shared, rowFloats: rowFloats, into: writer)
            }
        }
    }

    /// Runs `body` on `threads` contiguous parts of 0..<count, concurrently
    /// when there is more than one. The parts write disjoint rows.
    private static func split(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        let parts = max(min(threads, count), 1)
        guard parts > 1 else { return body(0..<count) }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                body(count * part / parts..<count * (part + 1) / parts)
            }
        }
    }

    private func verticalPass(outputRows: Range<Int>, intermediate: UnsafeMutablePointer<Float>, rowFloats: Int,
                              into writer: TensorWriter) {
        let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: max(rowFloats, 1))
        defer { accumulator.deallocate() }
        rows.weights.withUnsafeBufferPointer { weights in
            for outY in outputRows {
                let taps = rows.tapCounts[outY]
                let firstRow = intermediate + (rows.firstSource[outY] - rows.sourceRange.lowerBound) * rowFloats
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
            // One 4-lane multiply-add per tap: the pixel's RGB plus the next
            // byte, which `PixelBuffer`'s padding keeps readable.
            var sum = SIMD4<Float>()
            for tap in 0..<tapCounts[outX] {
                let bytes = UnsafeRawPointer(pixel).loadUnaligned(as: SIMD4<UInt8>.self)
                sum += tapWeights[tap] * SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: bytes))
                pixel += step
            }
            out[outX * 3] = roundToLevel(sum[0])
            out[outX * 3 + 1] = roundToLevel(sum[1])
            out[outX * 3 + 2] = roundToLevel(sum[2])
        }
    }

    /// Round half up and clamp to 0…255, in float arithmetic only: baseline
    /// x86-64 has no SSE4.1 `roundps`, `floorf` is a libm call, and Swift's
    /// checked Float → Int32 conversion costs a compare and branch per value,
    /// which was a quarter of the horizontal pass. Adding and subtracting
    /// 2^23 rounds a value in 0…2^23 to the nearest integer (ties to even);
    /// stepping down where that went up gives the floor.
    @inline(__always)
    private func roundToLevel(_ value: Float) -> Float {
        let clamped = min(max(value + 0.5, 0), 255)
        let nearest = (clamped + 8_388_608) - 8_388_608
        return nearest > clamped ? nearest - 1 : nearest
    }
}
