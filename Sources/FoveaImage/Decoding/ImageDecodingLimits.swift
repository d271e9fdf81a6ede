/// Bounds checked against the header before any pixel memory is allocated.
public struct ImageDecodingLimits: Sendable, Equatable {
    /// Largest width × height accepted (default 40 megapixels, above any phone camera).
    public var maxPixels: Int
    /// Largest single side accepted; JPEG cannot exceed 65 535, and PNGs that
    /// claim more are forged headers, not photos.
    public var maxDimension: Int

    public init(maxPixels: Int = 40_000_000, maxDimension: Int = 65_535) {
        self.maxPixels = maxPixels
        self.maxDimension = maxDimension
    }

    func check(width: Int, height: Int) throws(ImageDecodingError) {
        guard width > 0, height > 0, width <= maxDimension, height <= maxDimension else {
            throw .invalidDimensions(width: width, height: height, maxDimension: maxDimension)
        }
        guard width * height <= maxPixels else {
            throw .tooManyPixels(width: width, height: height, maxPixels: maxPixels)
        }
    }
}
