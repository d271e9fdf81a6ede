/// EXIF orientation (TIFF tag 0x0112): how the stored pixels must be turned
/// to appear upright. Phones store sensor-order pixels and set this tag
/// instead of rotating, so ignoring it feeds models sideways photos.
public enum ImageOrientation: Int, Sendable, Equatable {
    case up = 1
    case mirrored = 2
    case down = 3
    case mirroredDown = 4
    case transposed = 5
    case rotatedClockwise = 6
    case transverse = 7
    case rotatedCounterClockwise = 8

    /// Whether upright width is the stored height.
    var swapsAxes: Bool { rawValue >= 5 }

    /// Stored coordinates of the upright pixel (x, y) in an image whose stored
    /// size is width × height.
    func storedPoint(x: Int, y: Int, storedWidth w: Int, storedHeight h: Int) -> (x: Int, y: Int) {
        switch self {
        case .up: return (x, y)
        case .mirrored: return (w - 1 - x, y)
        case .down: return (w - 1 - x, h - 1 - y)
        case .mirroredDown: return (x, h - 1 - y)
        case .transposed: return (y, x)
        case .rotatedClockwise: return (y, h - 1 - x)
        case .transverse: return (w - 1 - y, h - 1 - x)
        case .rotatedCounterClockwise: return (w - 1 - y, x)
        }
    }

    /// Reads the orientation tag from an APP1 Exif payload (the TIFF structure
    /// after "Exif\0\0"). Malformed or absent data means `.up`: a broken tag is
    /// no reason to reject an otherwise valid photo.
    static func fromEXIF(_ tiff: UnsafeRawBufferPointer) -> ImageOrientation {
        guard tiff.count >= 8 else { return .up }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return .up
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = Int(tiff[at]), b = Int(tiff[at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at) else { return nil }
            return low | high << 16
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd) else { return .up }
        for index in 0..<entries {
            let entry = ifd + 2 + index * 12
            guard let tag = u16(entry) else { return .up }
            if tag == 0x0112 {
                guard u16(entry + 2) == 3, let value = u16(entry + 8) else { return .up }
                return ImageOrientation(rawValue: value) ?? .up
            }
        }
        return .up
    }
}
