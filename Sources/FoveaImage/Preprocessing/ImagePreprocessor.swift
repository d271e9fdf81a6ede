import Foundation

/// Uploaded image bytes → one model input, written into a batch slot.
///
/// The pipeline is fused so the big photo is touched as little as possible:
/// the JPEG is decoded at a reduced DCT scale when it is much larger than the
/// model input, only the rows and columns the centre crop needs are decoded,
/// orientation is applied by addressing rather than by copying, and the
/// vertical resampling pass writes normalised floats straight into the slot.
///
/// The preprocessor holds no mutable state of its own (its buffer pool is
/// thread-safe): one instance may serve any number of concurrent requests,
/// each with its own slot.
public struct ImagePreprocessor: Sendable {
    public let spec: PreprocessSpec
    public let limits: ImageDecodingLimits
    /// Minimum source pixels per output pixel kept when choosing a JPEG DCT
    /// scale (see `ResizeGeometry.dctScaleEighths`). The default 4 keeps
    /// results within 2/255 of Pillow's full-resolution resize; 2 is about
    /// 15–30 % faster on 5–12 MP photos and stays within 2/255 on the 4:4:4
    /// sample photo, but can differ by several levels on sharp, saturated
    /// edges, more so with subsampled chroma. `.infinity` disables DCT
    /// downscaling.
    public let dctOversampling: Double
    /// Threads one image may use unless `process` is told otherwise: both
    /// resampling passes split their rows, and a JPEG with restart markers at
    /// row boundaries is decoded in strips (see `StripedJPEGDecoding`). Cuts a
    /// large photo's latency when cores are idle, at the price of some extra
    /// CPU time (a second decoder, thread hand-offs); 1 keeps each image on
    /// the calling thread.
    public let threadsPerImage: Int
    /// Where decoded pixels and intermediate rows are kept; share one pool
    /// between the preprocessors of a process so their buffers are reused
    /// across models.
    public let bufferPool: ImageBufferPool

    public init(spec: PreprocessSpec, limits: ImageDecodingLimits = ImageDecodingLimits(),
                dctOversampling: Double = 4, threadsPerImage: Int = 1,
                bufferPool: ImageBufferPool = ImageBufferPool()) {
        self.spec = spec
        self.limits = limits
        self.dctOversampling = dctOversampling
        self.threadsPerImage = max(threadsPerImage, 1)
        self.bufferPool = bufferPool
    }

    /// Decodes `bytes` and writes `spec.elementCount` floats in `spec.shape`
    /// order into `slot`, using up to `threads` threads (default
    /// `threadsPerImage`).
    public func process(_ bytes: UnsafeRawBufferPointer, into slot: UnsafeMutableBufferPointer<Float>,
                        threads: Int? = nil) throws -> ImageInfo {
        guard slot.count == spec.elementCount, let output = slot.baseAddress else {
            throw PreprocessingError.slotSizeMismatch(expected: spec.elementCount, actual: slot.count)
        }
        let writer = TensorWriter(output: output, spec: spec)
        let threads = max(threads ?? threadsPerImage, 1)
        switch try ImageFormat.sniff(bytes) {
        case .jpeg: return try processJPEG(bytes, writer: writer, threads: threads)
        case .png: return try processPNG(bytes, writer: writer, threads: threads)
        }
    }

    /// Convenience for `[UInt8]`, `Data` and other contiguous byte containers.
    public func process(_ bytes: some ContiguousBytes, into slot: UnsafeMutableBufferPointer<Float>,
                        threads: Int? = nil) throws -> ImageInfo {
        try bytes.withUnsafeBytes { try process($0, into: slot, threads: threads) }
    }

    private func processJPEG(_ bytes: UnsafeRawBufferPointer, writer: TensorWriter, threads: Int) throws -> ImageInfo {
        let clock = ContinuousClock()
        let decodeStart = clock.now
        let decoder = try JPEGDecoder(bytes: bytes, limits: limits)
        let orientation = decoder.orientation
        let (width, height) = orientation.swapsAxes ? (decoder.height, decoder.width) : (decoder.width, decoder.height)
        let geometry = ResizeGeometry(imageWidth: width, imageHeight: height, spec: spec)
        let eighths = geometry.dctScaleEighths(imageWidth: width, imageHeight: height, oversampling: dctOversampling)
        try decoder.start(scaleEighths: eighths)

        let (scaledWidth, scaledHeight) = orientation.swapsAxes
            ? (decoder.scaledHeight, decoder.scaledWidth) : (decoder.scaledWidth, decoder.scaledHeight)
        let resampler: SeparableResampler
        let blockSize = 8 / eighths
        let reversed = orientation.reversesAxes
        if eighths < 8, !decoder.subsampled {
            resampler = SeparableResampler(
                columns: ResampleAxis(blocks: BlockAverageFolding(imageLength: width, blockSize: blockSize,
                                                                  reversed: reversed.x),
                                      outputLength: geometry.resizedWidth, outputs: geometry.columns),
                rows: ResampleAxis(blocks: BlockAverageFolding(imageLength: height, blockSize: blockSize,
                                                               reversed: reversed.y),
                                   outputLength: geometry.resizedHeight, outputs: geometry.rows))
        } else {
            // libjpeg pads the last block of a stored row or column; a flipped
            // axis meets that partly covered pixel first.
            func offset(_ length: Int, _ scaledLength: Int, reversed: Bool) -> Double {
                reversed ? Double(scaledLength * blockSize - length) / Double(blockSize) : 0
            }
            resampler = SeparableResampler(
                columns: ResampleAxis(sourceLength: scaledWidth, sourceSpan: Double(width) / Double(blockSize),
                                      sourceOffset: offset(width, scaledWidth, reversed: reversed.x),
                                      outputLength: geometry.resizedWidth, outputs: geometry.columns),
                rows: ResampleAxis(sourceLength: scaledHeight, sourceSpan: Double(height) / Double(blockSize),
                                   sourceOffset: offset(height, scaledHeight, reversed: reversed.y),
                                   outputLength: geometry.resizedHeight, outputs: geometry.rows))
        }
        let needed = orientation.storedRect(x: resampler.columns.sourceRange, y: resampler.rows.sourceRange,
                                            storedWidth: decoder.scaledWidth, storedHeight: decoder.scaledHeight)
        // libjpeg-turbo may treat the first and last column of a cropped window
        // differently from a full decode (chroma upsampling has no neighbour
        // there), so keep a spare column on each side.
        let columns = max(needed.x.lowerBound - 2, 0)..<min(needed.x.upperBound + 2, decoder.scaledWidth)
        let region = try readRegion(bytes, decoder: decoder, scaleEighths: eighths, columns: columns, rows: needed.y,
                                    threads: threads)
        let decodeEnd = clock.now

        let source = UprightPixels(
            base: region.pixels.pixels, stride: region.pixels.stride,
            region: (region.x, region.y, region.pixels.width, region.pixels.height),
            imageWidth: decoder.scaledWidth, imageHeight: decoder.scaledHeight, orientation: orientation)
        try withExtendedLifetime(region.pixels) { () throws(ImageDecodingError) in
            try resampler.run(source: source, into: writer, threads: threads, pool: bufferPool)
        }
        return ImageInfo(format: .jpeg, width: width, height: height, orientation: orientation,
                         decodeScaleEighths: eighths, decodeStrips: region.strips, decodeDuration: decodeEnd - decodeStart,
                         resampleDuration: clock.now - decodeEnd)
    }

    private func readRegion(_ bytes: UnsafeRawBufferPointer, decoder: JPEGDecoder, scaleEighths: Int,
                            columns: Range<Int>, rows: Range<Int>, threads: Int)
        throws -> (pixels: PixelBuffer, x: Int, y: Int, strips: Int) {
        if threads > 1, let layout = JPEGRestartLayout(bytes),
           let striped = StripedJPEGDecoding(layout: layout, threads: threads, scaleEighths: scaleEighths,
                                             columns: columns, rows: rows) {
            let region = try striped.readRegion(bytes, decoder: decoder, limits: limits, columns: columns, rows: rows,
                                                pool: bufferPool)
            return (region.pixels, region.x, region.y, striped.boundaries.count - 1)
        }
        let region = try decoder.readRegion(columns: columns, rows: rows, pool: bufferPool)
        return (region.pixels, region.x, region.y, 1)
    }

    private func processPNG(_ bytes: UnsafeRawBufferPointer, writer: TensorWriter, threads: Int) throws -> ImageInfo {
        let clock = ContinuousClock()
        let decodeStart = clock.now
        let decoder = try PNGDecoder(bytes: bytes, limits: limits)
        let pixels = try decoder.readImage(background: spec.background, pool: bufferPool)
        let decodeEnd = clock.now

        let geometry = ResizeGeometry(imageWidth: pixels.width, imageHeight: pixels.height, spec: spec)
        let resampler = SeparableResampler(
            columns: ResampleAxis(sourceLength: pixels.width, sourceSpan: Double(pixels.width),
                                  outputLength: geometry.resizedWidth, outputs: geometry.columns),
            rows: ResampleAxis(sourceLength: pixels.height, sourceSpan: Double(pixels.height),
                               outputLength: geometry.resizedHeight, outputs: geometry.rows))
        let source = UprightPixels(base: pixels.pixels, stride: pixels.stride,
                                   region: (0, 0, pixels.width, pixels.height),
                                   imageWidth: pixels.width, imageHeight: pixels.height, orientation: .up)
        try withExtendedLifetime(pixels) { () throws(ImageDecodingError) in
            try resampler.run(source: source, into: writer, threads: threads, pool: bufferPool)
        }
        return ImageInfo(format: .png, width: pixels.width, height: pixels.height, orientation: .up,
                         decodeScaleEighths: 8, decodeStrips: 1, decodeDuration: decodeEnd - decodeStart,
                         resampleDuration: clock.now - decodeEnd)
    }
}

/// Misuse of the preprocessor by the calling code (not a client error).
public enum PreprocessingError: Error, Equatable, Sendable, CustomStringConvertible {
    case slotSizeMismatch(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .slotSizeMismatch(let expected, let actual):
            return "batch slot holds \(actual) floats but the preprocess spec produces \(expected); pass a slot of spec.elementCount floats"
        }
    }
}
