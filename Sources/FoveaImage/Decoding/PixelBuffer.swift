/// Pixels for one decode, in memory borrowed from an `ImageBufferPool` until
/// the last reference goes.
///
/// Rows are `stride` bytes apart; after `JPEGDecoder`/`PNGDecoder` finish,
/// pixels are always packed 8-bit RGB at the start of each row. One byte of
/// padding follows the last row, so any pixel can be read as 4 bytes.
final class PixelBuffer {
    let pixels: UnsafeMutablePointer<UInt8>
    let width: Int
    let height: Int
    let stride: Int
    private let memory: PooledBuffer

    /// Returns nil when the memory cannot be had, so a huge but
    /// within-limits image becomes an error response rather than a crash.
    init?(width: Int, height: Int, bytesPerPixel: Int, pool: ImageBufferPool) {
        let (stride, overflow1) = width.multipliedReportingOverflow(by: bytesPerPixel)
        let (count, overflow2) = stride.multipliedReportingOverflow(by: height)
        guard !overflow1, !overflow2, count > 0, let memory = pool.take(byteCount: count + 1) else { return nil }
        self.memory = memory
        pixels = memory.base.bindMemory(to: UInt8.self, capacity: count + 1)
        self.width = width
        self.height = height
        self.stride = stride
    }

    /// Packs 4-byte pixels to 3-byte ones in place, row by row. Writing never
    /// overtakes reading because the output is narrower than the input.
    func pack(fromFourChannels convert: (UInt8, UInt8, UInt8, UInt8) -> (UInt8, UInt8, UInt8)) {
        for y in 0..<height {
            let row = pixels + y * stride
            for x in 0..<width {
                let source = row + x * 4
                let (r, g, b) = convert(source[0], source[1], source[2], source[3])
                let target = row + x * 3
                target[0] = r
                target[1] = g
                target[2] = b
            }
        }
    }
}

/// Rounded a·b/255 in integers, the way Pillow's colour conversions compute it.
@inline(__always)
func multiplyDivide255(_ a: Int, _ b: Int) -> Int {
    let t = a * b + 128
    return (t + (t >> 8)) >> 8
}
