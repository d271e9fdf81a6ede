import CImageCodecs

/// One PNG decode through libpng, owning the C decoder handle.
///
/// Every PNG variant (palette, gray, 16-bit, tRNS, interlaced) leaves here as
/// 8-bit RGB; transparency is composited over the model's background colour
/// because models never saw alpha during training.
final class PNGDecoder {
    private let handle: OpaquePointer
    let width: Int
    let height: Int
    private let channels: Int

    /// `bytes` must outlive the decoder: libpng reads from it lazily.
    init(bytes: UnsafeRawBufferPointer, limits: ImageDecodingLimits) throws(ImageDecodingError) {
        try Self.checkDeclaredSize(bytes, limits: limits)
        guard let handle = fovea_png_create() else { throw .outOfMemory }
        self.handle = handle
        var header = fovea_png_header()
        // Size limits are ours (checked above and again below); libpng's own
        // is lifted to the format maximum so it never reports them differently.
        let maxDimension = UInt32(Int32.max)
        let status = fovea_png_read_header(handle, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                           bytes.count, maxDimension, &header)
        guard status == FOVEA_CODEC_OK else {
            let error = Self.error(status, handle)
            fovea_png_destroy(handle)
            throw error
        }
        width = Int(header.width)
        height = Int(header.height)
        channels = Int(header.output_channels)
        // Fully initialised from here on: a throw runs deinit, which frees the handle.
        try limits.check(width: width, height: height)
    }

    /// PNG puts the size at a fixed place (IHDR must be the first chunk), so
    /// it is checked before libpng runs: libpng reads every chunk up to the
    /// image data before reporting the header, and a bomb may consist of
    /// nothing but a header.
    private static func checkDeclaredSize(_ bytes: UnsafeRawBufferPointer, limits: ImageDecodingLimits) throws(ImageDecodingError) {
        guard bytes.count >= 24, bytes[12..<16].elementsEqual("IHDR".utf8) else { return }
        func bigEndian(_ at: Int) -> Int { (at..<at + 4).reduce(0) { $0 << 8 | Int(bytes[$1]) } }
        let width = bigEndian(16), height = bigEndian(20)
        // Zero sizes are left to libpng, whose message names the broken field.
        guard width > 0, height > 0 else { return }
        try limits.check(width: width, height: height)
    }

    deinit { fovea_png_destroy(handle) }

    func readImage(background: [UInt8], pool: ImageBufferPool) throws(ImageDecodingError) -> PixelBuffer {
        guard let buffer = PixelBuffer(width: width, height: height, bytesPerPixel: channels, pool: pool) else {
            throw .outOfMemory
        }
        let status = fovea_png_read_image(handle, buffer.pixels, buffer.stride)
        guard status == FOVEA_CODEC_OK else { throw Self.error(status, handle) }
        if channels == 4 {
            let (br, bg, bb) = (Int(background[0]), Int(background[1]), Int(background[2]))
            buffer.pack { r, g, b, a in
                let alpha = Int(a)
                func blend(_ value: UInt8, _ back: Int) -> UInt8 {
                    UInt8((Int(value) * alpha + back * (255 - alpha) + 127) / 255)
                }
                return (blend(r, br), blend(g, bg), blend(b, bb))
            }
        }
        return buffer
    }

    private static func error(_ status: fovea_codec_status, _ handle: OpaquePointer) -> ImageDecodingError {
        let detail = String(cString: fovea_png_message(handle))
        switch status {
        case FOVEA_CODEC_TRUNCATED: return .truncated(.png, detail: detail)
        case FOVEA_CODEC_FAILED where detail == "out of memory": return .outOfMemory
        default: return .corrupt(.png, detail: detail.isEmpty ? "unreadable data" : detail)
        }
    }
}
