import CImageResampling
import Dispatch

/// Two-pass (horizontal, then vertical) resampling of upright pixels straight
/// into the output tensor.
///
/// Like Pillow, each pass rounds to whole 0…255 levels: the models were
/// trained on Pillow's 8-bit output, and rounding identically keeps us within
/// a level of it instead of drifting by fractions everywhere.
///
/// The per-row loops live in `CImageResampling`, where they vectorize for
/// the CPU at hand: written here with Swift's SIMD types on the baseline
/// x86-64 target, they took half of a 640 px photo's preprocessing
/// (BENCHMARKS.md, "Resampling in C").
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
        let rowFloats = columns.outputCount * 3
        let threads = columns.sourceRange.count * rowRange.count >= Self.minimumPixelsPerThread * 2 ? threads : 1
        let floats = max(rowRange.count * rowFloats, 1)
        guard let intermediate = pool.take(byteCount: floats * MemoryLayout<Float>.stride) else { throw .outOfMemory }
        nonisolated(unsafe) let shared = intermediate.base.bindMemory(to: Float.self, capacity: floats)
        // The passes read and write through `shared`, not through the buffer object.
        withExtendedLifetime(intermediate) {
            Self.split(rowRange.count, threads: threads) { part in
                horizontalPass(source: source, rows: part, into: shared, rowFloats: rowFloats)
            }
            Self.split(rows.outputCount, threads: threads) { part in
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

    /// Filters source rows `rows` (counted from `self.rows.sourceRange`)
    /// into the intermediate rows of the same index.
    private func horizontalPass(source: UprightPixels, rows part: Range<Int>, into intermediate: UnsafeMutablePointer<Float>,
                                rowFloats: Int) {
        let sourceColumns = columns.sourceRange
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: (sourceColumns.count + columns.maxTaps) * 3 + 1)
        defer { scratch.deallocate() }
        columns.withKernelTaps { taps in
            for index in part {
                let y = rows.sourceRange.lowerBound + index
                let firstPixel = source.base + source.start + (y - source.originY) * source.yStep
                    + (sourceColumns.lowerBound - source.originX) * source.xStep
                fovea_resample_row(firstPixel, source.xStep, sourceColumns.count, taps, scratch,
                                   intermediate + index * rowFloats)
            }
        }
    }

    private func verticalPass(outputRows: Range<Int>, intermediate: UnsafeMutablePointer<Float>, rowFloats: Int,
                              into writer: TensorWriter) {
        let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: max(rowFloats, 1))
        defer { accumulator.deallocate() }
        rows.weights.withUnsafeBufferPointer { weights in
            for outY in outputRows {
                let firstRow = intermediate + rows.firstOffset[outY] * rowFloats
                fovea_resample_column(firstRow, rowFloats, rows.tapCounts[outY], weights.baseAddress! + outY * rows.maxTaps,
                                      rowFloats, accumulator)
                writer.writeRow(outY, rgb: accumulator)
            }
        }
    }
}
