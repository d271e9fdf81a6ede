/// What was decoded, reported alongside the tensor for logs and metrics.
public struct ImageInfo: Sendable, Equatable {
    public let format: ImageFormat
    /// Upright size of the original image (after EXIF orientation).
    public let width: Int
    public let height: Int
    public let orientation: ImageOrientation
    /// DCT-domain scale the JPEG was decoded at, in eighths (8 = full size; always 8 for PNG).
    public let decodeScaleEighths: Int
    /// Strips the JPEG was decoded in concurrently (1 unless `threadsPerImage`
    /// allows more and the file has restart markers at row boundaries).
    public let decodeStrips: Int
    /// Time spent in the codec (header, entropy decoding, colour conversion).
    public let decodeDuration: Duration
    /// Time spent resampling and normalising into the slot.
    public let resampleDuration: Duration
}
