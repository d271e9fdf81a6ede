import Foundation

/// Decodes a JPEG region as horizontal strips on several threads. The first
/// strip is read from the original stream by the caller's decoder; each later
/// one by its own libjpeg decoder, fed a standalone copy of its restart
/// intervals (see `JPEGRestartLayout`). The pixels are the same as one
/// decoder's: strips start at restart markers, where the entropy decoder
/// starts afresh anyway, and with subsampled chroma each later strip also
/// decodes one neighbouring interval on either side, so libjpeg's smoothing
/// of chroma across rows sees the same neighbours as in a whole-image decode.
struct StripedJPEGDecoding {
    let layout: JPEGRestartLayout
    let scaleEighths: Int
    /// Scaled rows per restart interval: an interval's full-resolution rows
    /// are a multiple of 8, so this is whole at every DCT scale.
    let intervalHeight: Int
    /// Row boundaries of the strips in scaled coordinates.
    let boundaries: [Int]

    /// Regions smaller than this many pixels decode in a few milliseconds;
    /// splitting them gains less than the extra decoders cost.
    static let minimumPixels = 1 << 19

    /// Nil when the region of `columns × rows` (scaled coordinates) is too
    /// small or too few intervals high to split into `threads` strips.
    init?(layout: JPEGRestartLayout, threads: Int, scaleEighths: Int, columns: Range<Int>, rows: Range<Int>) {
        intervalHeight = layout.intervalRows * scaleEighths / 8
        boundaries = Self.split(rows, into: threads, layout: layout, intervalHeight: intervalHeight)
        guard boundaries.count > 2, columns.count * rows.count >= Self.minimumPixels else { return nil }
        self.layout = layout
        self.scaleEighths = scaleEighths
    }

    /// The region `decoder.readRegion(columns:rows:pool:)` would return. `decoder`
    /// must have been started at `scaleEighths` and not have read any row; it
    /// decodes the first strip itself.
    func readRegion(_ bytes: UnsafeRawBufferPointer, decoder: JPEGDecoder, limits: ImageDecodingLimits,
                    columns: Range<Int>, rows: Range<Int>, pool: ImageBufferPool) throws(ImageDecodingError)
        -> (pixels: PixelBuffer, x: Int, y: Int) {
        let window = try decoder.cropColumns(columns)
        guard let buffer = PixelBuffer(width: window.count, height: rows.count, bytesPerPixel: decoder.bytesPerPixel,
                                       pool: pool) else {
            throw .outOfMemory
        }
        let failures = StripFailures()
        let (layout, boundaries, intervalHeight, scaleEighths) = (layout, boundaries, intervalHeight, scaleEighths)
        nonisolated(unsafe) let bytes = bytes
        nonisolated(unsafe) let output = buffer
        nonisolated(unsafe) let wholeImage = decoder
        DispatchQueue.concurrentPerform(iterations: boundaries.count - 1) { strip in
            let part = boundaries[strip]..<boundaries[strip + 1]
            let target = part.lowerBound - rows.lowerBound
            // The first strip starts where the image does: the caller's
            // decoder reads it from the original stream.
            guard strip > 0 else {
                do throws(ImageDecodingError) {
                    try wholeImage.readRows(part, into: output, atRow: target)
                } catch {
                    failures.record(error)
                }
                return
            }
            var first = part.lowerBound / intervalHeight, last = (part.upperBound - 1) / intervalHeight
            if layout.subsampled {
                first = max(first - 1, 0)
                last = min(last + 1, layout.intervalCount - 1)
            }
            let stream = layout.strip(first..<last + 1, of: bytes)
            let offset = first * intervalHeight
            let result = stream.withUnsafeBytes { stream in
                Result { () throws(ImageDecodingError) in
                    let stripDecoder = try JPEGDecoder(bytes: stream, limits: limits)
                    try stripDecoder.start(scaleEighths: scaleEighths)
                    guard try stripDecoder.cropColumns(columns) == window else {
                        throw .corrupt(.jpeg, detail: "restart interval strips disagree on the column grid")
                    }
                    try stripDecoder.readRows(part.lowerBound - offset..<part.upperBound - offset, into: output,
                                              atRow: target)
                }
            }
            if case .failure(let error) = result {
                failures.record(error)
            }
        }
        if let error = failures.first { throw error }
        decoder.finish(buffer)
        return (buffer, window.lowerBound, rows.lowerBound)
    }

    /// Row boundaries splitting `rows` into at most `parts` strips of about
    /// equal work, each inner boundary at a restart interval. Entropy decoding
    /// dominates and its cost follows the compressed bytes, which vary with
    /// image detail; the first strip also entropy-decodes every row above
    /// `rows` (its decoder skips them from the top of the stream). So the
    /// intervals up to the last one needed are divided by compressed size.
    static func split(_ rows: Range<Int>, into parts: Int, layout: JPEGRestartLayout, intervalHeight: Int) -> [Int] {
        let lastInterval = min((rows.upperBound - 1) / intervalHeight, layout.intervalCount - 1)
        var cumulative: [Int] = []
        var total = 0
        for interval in 0...lastInterval {
            total += layout.intervalEnds[interval] - layout.intervalStarts[interval]
            cumulative.append(total)
        }
        var boundaries = [rows.lowerBound]
        for part in 1..<max(parts, 1) {
            let target = total * part / parts
            // First interval starting at or past the target share of bytes.
            let interval = (cumulative.firstIndex { $0 >= target } ?? lastInterval) + 1
            let row = interval * intervalHeight
            if row > boundaries.last!, row < rows.upperBound {
                boundaries.append(row)
            }
        }
        boundaries.append(rows.upperBound)
        return boundaries
    }
}

/// The first error any strip hit; the lock guards `error`.
private final class StripFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var error: ImageDecodingError?
    var first: ImageDecodingError? { lock.withLock { error } }
    func record(_ failure: ImageDecodingError) { lock.withLock { error = error ?? failure } }
}
