/// Read-only view of decoded 8-bit RGB pixels in upright (EXIF-applied)
/// coordinates.
///
/// Orientation is folded into two signed byte steps instead of rotating the
/// pixels: the resampler reads through the view, so the rotation costs nothing.
/// The view may cover only a region of the image; `originX/originY` are the
/// upright coordinates of the region's first pixel.
struct UprightPixels {
    let base: UnsafePointer<UInt8>
    /// Byte offset from `base` to upright pixel (originX, originY).
    let start: Int
    let xStep: Int
    let yStep: Int
    let originX: Int
    let originY: Int
    let width: Int
    let height: Int

    /// - Parameters:
    ///   - base: first stored pixel of the region, 3 bytes per pixel.
    ///   - stride: bytes between stored rows.
    ///   - region: stored position and size of the region inside the full image.
    ///   - imageWidth, imageHeight: stored size of the full image.
    init(base: UnsafePointer<UInt8>, stride: Int,
         region: (x: Int, y: Int, width: Int, height: Int),
         imageWidth: Int, imageHeight: Int, orientation: ImageOrientation) {
        func offset(_ point: (x: Int, y: Int)) -> Int { point.x * 3 + point.y * stride }
        let local = { (x: Int, y: Int) in
            orientation.storedPoint(x: x, y: y, storedWidth: region.width, storedHeight: region.height)
        }
        self.base = base
        start = offset(local(0, 0))
        xStep = offset(local(1, 0)) - start
        yStep = offset(local(0, 1)) - start

        let inverse = orientation.inverse
        let uprightWidth = orientation.swapsAxes ? imageHeight : imageWidth
        let uprightHeight = orientation.swapsAxes ? imageWidth : imageHeight
        let a = inverse.storedPoint(x: region.x, y: region.y, storedWidth: uprightWidth, storedHeight: uprightHeight)
        let b = inverse.storedPoint(x: region.x + region.width - 1, y: region.y + region.height - 1,
                                    storedWidth: uprightWidth, storedHeight: uprightHeight)
        originX = min(a.x, b.x)
        originY = min(a.y, b.y)
        width = orientation.swapsAxes ? region.height : region.width
        height = orientation.swapsAxes ? region.width : region.height
    }
}

extension ImageOrientation {
    /// The orientation that undoes this one; only the two quarter turns differ from themselves.
    var inverse: ImageOrientation {
        switch self {
        case .rotatedClockwise: return .rotatedCounterClockwise
        case .rotatedCounterClockwise: return .rotatedClockwise
        default: return self
        }
    }

    /// Whether stepping along the upright x and y axes walks the stored
    /// pixels backwards (DCT blocks then line up from the far end).
    var reversesAxes: (x: Bool, y: Bool) {
        let origin = storedPoint(x: 0, y: 0, storedWidth: 2, storedHeight: 2)
        let right = storedPoint(x: 1, y: 0, storedWidth: 2, storedHeight: 2)
        let down = storedPoint(x: 0, y: 1, storedWidth: 2, storedHeight: 2)
        return (right.x + right.y < origin.x + origin.y, down.x + down.y < origin.x + origin.y)
    }

    /// Stored-coordinate rectangle covering the upright rectangle
    /// [x0, x1) × [y0, y1) of an image stored as width × height.
    func storedRect(x: Range<Int>, y: Range<Int>, storedWidth: Int, storedHeight: Int)
        -> (x: Range<Int>, y: Range<Int>) {
        let a = storedPoint(x: x.lowerBound, y: y.lowerBound, storedWidth: storedWidth, storedHeight: storedHeight)
        let b = storedPoint(x: x.upperBound - 1, y: y.upperBound - 1, storedWidth: storedWidth, storedHeight: storedHeight)
        return (min(a.x, b.x)..<max(a.x, b.x) + 1, min(a.y, b.y)..<max(a.y, b.y) + 1)
    }
}
