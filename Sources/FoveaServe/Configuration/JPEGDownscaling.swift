/// How far a large JPEG may be shrunk while it is decoded (libjpeg's DCT
/// scaling) before the exact resize: a per-model trade of fidelity for speed.
///
/// Entropy decoding dominates large photos, and decoding at 1/2 or 1/4 scale
/// skips much of the work after it. `accurate` keeps at least 4 decoded
/// pixels per output pixel, which stays within 2/255 of Pillow's
/// full-resolution resize on every test image; `fast` keeps 2, which is
/// 1.5–2× faster on multi-megapixel photos and within 2/255 on the 4:4:4
/// sample photo, but can differ by a few levels on sharp, saturated edges
/// (3–7/255 on re-encoded and 4:2:0 photos at 2–3× oversampling).
public enum JPEGDownscaling: String, Sendable, Equatable, Codable, CaseIterable {
    case accurate
    case fast

    /// Minimum decoded pixels per output pixel (`ImagePreprocessor.dctOversampling`).
    var dctOversampling: Double {
        switch self {
        case .accurate: 4
        case .fast: 2
        }
    }
}
