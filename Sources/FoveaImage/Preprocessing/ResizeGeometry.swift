/// Where the resized image lands and which part of it the crop keeps,
/// computed exactly as torchvision does for PIL images.
struct ResizeGeometry: Equatable {
    let resizedWidth: Int
    let resizedHeight: Int
    /// Crop window in resized coordinates.
    let columns: Range<Int>
    let rows: Range<Int>

    init(imageWidth: Int, imageHeight: Int, spec: PreprocessSpec) {
        switch spec.resize {
        case .shorterSide(let size):
            // torchvision: the longer side is int(size * long / short), truncated.
            if imageWidth <= imageHeight {
                resizedWidth = size
                resizedHeight = Int(Double(size) * Double(imageHeight) / Double(imageWidth))
            } else {
                resizedWidth = Int(Double(size) * Double(imageWidth) / Double(imageHeight))
                resizedHeight = size
            }
        case .exact(let height, let width):
            resizedWidth = width
            resizedHeight = height
        }
        let (cropHeight, cropWidth) = spec.outputSize
        // torchvision CenterCrop uses Python's round(), which rounds halves to even.
        let left = Int((Double(resizedWidth - cropWidth) / 2).rounded(.toNearestOrEven))
        let top = Int((Double(resizedHeight - cropHeight) / 2).rounded(.toNearestOrEven))
        columns = left..<left + cropWidth
        rows = top..<top + cropHeight
    }

    /// Smallest DCT scale (in eighths) that still leaves at least
    /// `oversampling` source pixels per resized pixel on both axes.
    ///
    /// Downscaling in the DCT domain skips most of the inverse transform and
    /// colour conversion, but it is a different low-pass than Pillow's
    /// triangle filter: it drops detail the triangle's side lobes would still
    /// let through, and reconstructs subsampled chroma differently. With
    /// enough oversampling left, the triangle filter dominates and the result
    /// stays within tolerance of a full decode (measured: ≥ 3–4× needed for
    /// high-contrast content). Only 1/8, 1/4 and 1/2 are considered: libjpeg-
    /// turbo has SIMD code for those, while 3/8…7/8 run plain C and end up
    /// slower than a full-size decode.
    func dctScaleEighths(imageWidth: Int, imageHeight: Int, oversampling: Double) -> Int {
        for eighths in [1, 2, 4] {
            let scaledWidth = Double(imageWidth) * Double(eighths) / 8
            let scaledHeight = Double(imageHeight) * Double(eighths) / 8
            if scaledWidth >= oversampling * Double(resizedWidth), scaledHeight >= oversampling * Double(resizedHeight) {
                return eighths
            }
        }
        return 8
    }
}
