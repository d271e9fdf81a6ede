/// Why uploaded bytes could not be turned into pixels.
///
/// Each case maps to a distinct client mistake, so the HTTP layer can answer
/// 4xx with the message as-is.
public enum ImageDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request body had no bytes at all.
    case empty
    /// The bytes are not JPEG or PNG; `recognized` names the format when known.
    case unsupportedFormat(recognized: String?)
    /// The file stops before the image data is complete (interrupted upload).
    case truncated(ImageFormat, detail: String)
    /// The codec rejected the data.
    case corrupt(ImageFormat, detail: String)
    /// Width or height is zero or beyond what any real photo uses.
    case invalidDimensions(width: Int, height: Int, maxDimension: Int)
    /// Decoding would need more pixels than allowed (decompression bomb guard).
    case tooManyPixels(width: Int, height: Int, maxPixels: Int)
    /// Memory for the decoder or its pixels could not be obtained.
    case outOfMemory

    public var description: String {
        switch self {
        case .empty:
            return "The image is empty (0 bytes); send the JPEG or PNG file contents as the request body."
        case .unsupportedFormat(let recognized?):
            return "\(recognized) images are not supported; convert the image to JPEG or PNG."
        case .unsupportedFormat(nil):
            return "The data is not a JPEG or PNG image (unrecognised signature); send the raw file bytes, not base64 or a form wrapper."
        case .truncated(let format, let detail):
            return "The \(format) image is truncated (\(detail)); the upload was probably cut short, send the complete file."
        case .corrupt(let format, let detail):
            return "The \(format) image is corrupt: \(detail). Re-export or re-encode it."
        case .invalidDimensions(let width, let height, let maxDimension):
            return "The image declares \(width)×\(height) pixels; both sides must be between 1 and \(maxDimension)."
        case .tooManyPixels(let width, let height, let maxPixels):
            return "The image is too large: \(width)×\(height) = \(width * height) pixels exceeds the limit of \(maxPixels); downscale it before sending."
        case .outOfMemory:
            return "Not enough memory to decode the image; retry later or send a smaller image."
        }
    }
}
