import CImageCodecs

/// One JPEG decode through libjpeg-turbo, owning the C decoder handle.
///
/// Decoding is split in steps (header, start at a DCT scale, read a region)
/// because the preprocessor chooses the scale and the region from the header
/// before any pixel is produced.
final class JPEGDecoder {
    private let handle: OpaquePointer
    let width: Int
    let height: Int
    let orientation: ImageOrientation
    private let colorSpace: fovea_jpeg_color_space
    /// Some component (normally chroma) is stored at lower resolution. Reduced-
    /// scale decodes then return that component at its native resolution
    /// instead of as block means of the full decode.
    let subsampled: Bool
    private let invertedCMYK: Bool
    private(set) var scaledWidth = 0
    private(set) var scaledHeight = 0
    private(set) var bytesPerPixel = 3

    /// `bytes` must outlive the decoder: libjpeg reads from it lazily.
    init(bytes: UnsafeRawBufferPointer, limits: ImageDecodingLimits) throws(ImageDecodingError) {
        guard let handle = fovea_jpeg_create() else { throw .outOfMemory }
        self.handle = handle
        var header = fovea_jpeg_header()
        let status = fovea_jpeg_read_header(handle, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                            bytes.count, &header)
        guard status == FOVEA_CODEC_OK else {
            let error = Self.error(status, handle)
            fovea_jpeg_destroy(handle)
            throw error
        }
        width = Int(header.width)
        height = Int(header.height)
        colorSpace = header.color_space
        subsampled = header.subsampled != 0
        // Photoshop, the main producer of CMYK JPEGs, stores CMYK inverted and
        // marks it with the Adobe segment; without it, samples are plain ink.
        invertedCMYK = header.adobe_marker != 0
        if let exif = header.exif {
            orientation = .fromEXIF(UnsafeRawBufferPointer(start: exif, count: header.exif_length))
        } else {
            orientation = .up
        }
        // Fully initialised from here on: a throw runs deinit, which frees the handle.
        try limits.check(width: width, height: height)
    }

    deinit { fovea_jpeg_destroy(handle) }

    /// Begins decompression producing (width·eighths/8, rounded up) pixels per row.
    func start(scaleEighths: Int) throws(ImageDecodingError) {
        var outWidth: UInt32 = 0, outHeight: UInt32 = 0, bytes: UInt32 = 0
        let status = fovea_jpeg_start(handle, UInt32(scaleEighths), &outWidth, &outHeight, &bytes)
        guard status == FOVEA_CODEC_OK else { throw Self.error(status, handle) }
        scaledWidth = Int(outWidth)
        scaledHeight = Int(outHeight)
        bytesPerPixel = Int(bytes)
    }

    /// Decodes only the stored-coordinate window asked for (widened to the
    /// codec's block grid), leaving the rest of the image undecoded where the
    /// format allows. Returns RGB pixels and the window actually produced.
    func readRegion(columns: Range<Int>, rows: Range<Int>, pool: ImageBufferPool) throws(ImageDecodingError)
        -> (pixels: PixelBuffer, x: Int, y: Int) {
        let window = try cropColumns(columns)
        guard let buffer = PixelBuffer(width: window.count, height: rows.count, bytesPerPixel: bytesPerPixel,
                                       pool: pool) else {
            throw .outOfMemory
        }
        try readRows(rows, into: buffer, atRow: 0)
        finish(buffer)
        return (buffer, window.lowerBound, rows.lowerBound)
    }

    /// Limits decoding to the scaled columns asked for, widened to the
    /// codec's block grid; returns the columns that will be produced.
    func cropColumns(_ columns: Range<Int>) throws(ImageDecodingError) -> Range<Int> {
        var first = UInt32(columns.lowerBound), count = UInt32(columns.count)
        if columns.count < scaledWidth {
            let status = fovea_jpeg_crop_columns(handle, &first, &count)
            guard status == FOVEA_CODEC_OK else { throw Self.error(status, handle) }
        }
        return Int(first)..<Int(first + count)
    }

    /// Decodes scaled rows `rows` (none read yet) into `buffer` from row
    /// `atRow` on; the rows before them are skipped without producing pixels.
    func readRows(_ rows: Range<Int>, into buffer: PixelBuffer, atRow: Int) throws(ImageDecodingError) {
        precondition(buffer.stride >= buffer.width * bytesPerPixel && atRow + rows.count <= buffer.height)
        if rows.lowerBound > 0 {
            let status = fovea_jpeg_skip_rows(handle, UInt32(rows.lowerBound))
            guard status == FOVEA_CODEC_OK else { throw Self.error(status, handle) }
        }
        let status = fovea_jpeg_read_rows(handle, buffer.pixels + atRow * buffer.stride, buffer.stride, UInt32(rows.count))
        guard status == FOVEA_CODEC_OK else { throw Self.error(status, handle) }
    }

    /// Brings decoded pixels to packed RGB once every row is in.
    func finish(_ buffer: PixelBuffer) {
        if bytesPerPixel == 4 {
            convertCMYK(buffer)
        }
    }

    /// CMYK → RGB with Pillow's integer formula (R = 255 − C − round((255 − C)·K/255)),
    /// after undoing Adobe's inversion.
    private func convertCMYK(_ buffer: PixelBuffer) {
        let inverted = invertedCMYK
        buffer.pack { c, m, y, k in
            let (c, m, y, k) = inverted
                ? (255 - Int(c), 255 - Int(m), 255 - Int(y), 255 - Int(k))
                : (Int(c), Int(m), Int(y), Int(k))
            func channel(_ ink: Int) -> UInt8 { UInt8(clamping: 255 - ink - multiplyDivide255(255 - ink, k)) }
            return (channel(c), channel(m), channel(y))
        }
    }

    private static func error(_ status: fovea_codec_status, _ handle: OpaquePointer) -> ImageDecodingError {
        let detail = String(cString: fovea_jpeg_message(handle))
        switch status {
        case FOVEA_CODEC_TRUNCATED: return .truncated(.jpeg, detail: detail)
        case FOVEA_CODEC_FAILED where detail == "out of memory": return .outOfMemory
        default: return .corrupt(.jpeg, detail: detail.isEmpty ? "unreadable data" : detail)
        }
    }
}
