/// Container formats the decoders accept.
///
/// The format is always sniffed from the leading bytes: clients routinely send
/// PNGs labelled `image/jpeg` (or `application/octet-stream`), so the
/// Content-Type header is not evidence.
public enum ImageFormat: String, Sendable, Equatable, CustomStringConvertible {
    case jpeg
    case png

    public var description: String { self == .jpeg ? "JPEG" : "PNG" }

    /// Classifies the leading bytes; unknown images are named when recognisable
    /// so the error can tell the client what to convert from.
    static func sniff(_ bytes: UnsafeRawBufferPointer) throws(ImageDecodingError) -> ImageFormat {
        guard !bytes.isEmpty else { throw .empty }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        throw .unsupportedFormat(recognized: recognizedOtherFormat(bytes))
    }

    private static func recognizedOtherFormat(_ bytes: UnsafeRawBufferPointer) -> String? {
        func ascii(_ range: Range<Int>) -> String? {
            guard bytes.count >= range.upperBound else { return nil }
            return String(decoding: bytes[range], as: UTF8.self)
        }
        if ascii(0..<4) == "GIF8" { return "GIF" }
        if ascii(0..<4) == "RIFF", ascii(8..<12) == "WEBP" { return "WebP" }
        if ascii(0..<2) == "BM" { return "BMP" }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF" }
        if ascii(4..<8) == "ftyp", let brand = ascii(8..<12) {
            if brand.hasPrefix("avi") { return "AVIF" }
            if brand.hasPrefix("hei") || brand.hasPrefix("mif") { return "HEIC" }
        }
        return nil
    }
}
