/// How a model expects its input image, declared next to the model in the
/// serving config so the tensor matches what the training code produced.
///
/// YAML form (all keys except `resize` optional):
/// ```yaml
/// preprocess:
///   resize: {mode: shorter_side, size: 256}   # or {mode: exact, size: [224, 224]} ([height, width])
///   crop: [224, 224]                         # centre crop [height, width] after resizing
///   scale: unit                              # unit: x/255 · minus_one_to_one: x/127.5 − 1 · raw: 0…255
///   mean: [0.485, 0.456, 0.406]              # subtracted after scaling, per RGB channel
///   std: [0.229, 0.224, 0.225]               # divided after subtracting the mean
///   channel_order: rgb                       # rgb | bgr (Caffe-era Keras models)
///   layout: nchw                             # nchw (PyTorch) | nhwc (TensorFlow)
///   background: [255, 255, 255]              # RGB that transparent PNG pixels are composited over
/// ```
/// `mean` and `std` are always given in RGB order even when `channel_order` is
/// `bgr`, so the ImageNet numbers can be copied unchanged.
public struct PreprocessSpec: Sendable, Equatable, Codable {
    public enum Resize: Sendable, Equatable {
        /// torchvision `Resize(n)`: the shorter side becomes n, the longer
        /// keeps the aspect ratio (truncated to an integer).
        case shorterSide(Int)
        /// Keras `target_size`: both sides forced, aspect ratio ignored.
        case exact(height: Int, width: Int)
    }

    public enum Scale: String, Sendable, Equatable, Codable {
        case unit
        case minusOneToOne = "minus_one_to_one"
        case raw
    }

    public enum ChannelOrder: String, Sendable, Equatable, Codable {
        case rgb
        case bgr
    }

    public enum Layout: String, Sendable, Equatable, Codable {
        case nchw
        case nhwc
    }

    public var resize: Resize
    /// Centre crop (height, width) applied after resizing, torchvision `CenterCrop`.
    public var crop: (height: Int, width: Int)? {
        get { cropSize.map { ($0.height, $0.width) } }
        set { cropSize = newValue.map { Size(height: $0.height, width: $0.width) } }
    }
    public var scale: Scale
    public var mean: [Float]
    public var std: [Float]
    public var channelOrder: ChannelOrder
    public var layout: Layout
    public var background: [UInt8]

    private var cropSize: Size?

    private struct Size: Sendable, Equatable {
        var height: Int
        var width: Int
    }

    public init(resize: Resize, crop: (height: Int, width: Int)? = nil, scale: Scale = .unit,
                mean: [Float] = [0, 0, 0], std: [Float] = [1, 1, 1],
                channelOrder: ChannelOrder = .rgb, layout: Layout = .nchw,
                background: [UInt8] = [255, 255, 255]) throws(PreprocessSpecError) {
        self.resize = resize
        self.cropSize = crop.map { Size(height: $0.height, width: $0.width) }
        self.scale = scale
        self.mean = mean
        self.std = std
        self.channelOrder = channelOrder
        self.layout = layout
        self.background = background
        try validate()
    }

    /// torchvision's classic ImageNet evaluation transform:
    /// Resize(256), CenterCrop(224), ToTensor, Normalize(ImageNet mean/std).
    public static var imageNet: PreprocessSpec {
        // The literal values satisfy `validate()`, so this cannot throw.
        try! PreprocessSpec(resize: .shorterSide(256), crop: (224, 224), scale: .unit,
                            mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    }

    /// Height and width of the produced tensor.
    public var outputSize: (height: Int, width: Int) {
        if let cropSize { return (cropSize.height, cropSize.width) }
        if case .exact(let height, let width) = resize { return (height, width) }
        preconditionFailure("validate() rejects shorter_side without crop")
    }

    /// Tensor shape for one image, in `layout` order.
    public var shape: [Int] {
        let (height, width) = outputSize
        return layout == .nchw ? [3, height, width] : [height, width, 3]
    }

    /// Floats one image occupies in a batch tensor.
    public var elementCount: Int { outputSize.height * outputSize.width * 3 }

    func validate() throws(PreprocessSpecError) {
        switch resize {
        case .shorterSide(let size):
            guard size > 0 else { throw .nonPositiveSize("resize.size", size) }
            guard let cropSize else { throw .shorterSideWithoutCrop }
            guard cropSize.height <= size, cropSize.width <= size else {
                throw .cropLargerThanResize(crop: [cropSize.height, cropSize.width], resize: [size, size])
            }
        case .exact(let height, let width):
            guard height > 0 else { throw .nonPositiveSize("resize.size[0]", height) }
            guard width > 0 else { throw .nonPositiveSize("resize.size[1]", width) }
            if let cropSize, cropSize.height > height || cropSize.width > width {
                throw .cropLargerThanResize(crop: [cropSize.height, cropSize.width], resize: [height, width])
            }
        }
        if let cropSize {
            guard cropSize.height > 0 else { throw .nonPositiveSize("crop[0]", cropSize.height) }
            guard cropSize.width > 0 else { throw .nonPositiveSize("crop[1]", cropSize.width) }
        }
        guard mean.count == 3 else { throw .wrongChannelCount("mean", mean.count) }
        guard std.count == 3 else { throw .wrongChannelCount("std", std.count) }
        guard background.count == 3 else { throw .wrongChannelCount("background", background.count) }
        guard std.allSatisfy({ $0 != 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw .invalidNormalization
        }
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case resize, crop, scale, mean, std, background
        case channelOrder = "channel_order"
        case layout
    }

    private enum ResizeKeys: String, CodingKey, CaseIterable {
        case mode, size
    }

    /// Any key, to find the ones a user wrote that we do not know.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A misspelt key (`scal: minus_one_to_one`) would otherwise be ignored
    /// and the model would silently get the default preprocessing — wrong
    /// predictions with no error anywhere.
    private static func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(
        _ container: KeyedDecodingContainer<AnyKey>, allowed: Keys.Type
    ) throws {
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: container.codingPath + [key],
                debugDescription: "unknown key; expected one of: \(Keys.allCases.map(\.stringValue).joined(separator: ", "))"))
        }
    }

    public init(from decoder: any Decoder) throws {
        try Self.rejectUnknownKeys(try decoder.container(keyedBy: AnyKey.self), allowed: CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try Self.rejectUnknownKeys(try container.nestedContainer(keyedBy: AnyKey.self, forKey: .resize),
                                   allowed: ResizeKeys.self)
        let resizeContainer = try container.nestedContainer(keyedBy: ResizeKeys.self, forKey: .resize)
        let mode = try resizeContainer.decode(String.self, forKey: .mode)
        let sizes = try Self.decodeSizes(resizeContainer, forKey: .size)
        switch (mode, sizes.count) {
        case ("shorter_side", 1):
            resize = .shorterSide(sizes[0])
        case ("exact", 1):
            resize = .exact(height: sizes[0], width: sizes[0])
        case ("exact", 2):
            resize = .exact(height: sizes[0], width: sizes[1])
        case ("shorter_side", _), ("exact", _):
            throw DecodingError.dataCorruptedError(
                forKey: .size, in: resizeContainer,
                debugDescription: "resize.size for mode \(mode) must be one integer" + (mode == "exact" ? " or [height, width]" : ""))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .mode, in: resizeContainer,
                debugDescription: "resize.mode must be shorter_side or exact, not \(mode)")
        }
        if container.contains(.crop) {
            let crop = try Self.decodeSizes(container, forKey: .crop)
            guard crop.count == 1 || crop.count == 2 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .crop, in: container, debugDescription: "crop must be an integer or [height, width]")
            }
            cropSize = Size(height: crop[0], width: crop.count == 2 ? crop[1] : crop[0])
        }
        scale = try container.decodeIfPresent(Scale.self, forKey: .scale) ?? .unit
        mean = try container.decodeIfPresent([Float].self, forKey: .mean) ?? [0, 0, 0]
        std = try container.decodeIfPresent([Float].self, forKey: .std) ?? [1, 1, 1]
        channelOrder = try container.decodeIfPresent(ChannelOrder.self, forKey: .channelOrder) ?? .rgb
        layout = try container.decodeIfPresent(Layout.self, forKey: .layout) ?? .nchw
        background = try container.decodeIfPresent([UInt8].self, forKey: .background) ?? [255, 255, 255]
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var resizeContainer = container.nestedContainer(keyedBy: ResizeKeys.self, forKey: .resize)
        switch resize {
        case .shorterSide(let size):
            try resizeContainer.encode("shorter_side", forKey: .mode)
            try resizeContainer.encode(size, forKey: .size)
        case .exact(let height, let width):
            try resizeContainer.encode("exact", forKey: .mode)
            try resizeContainer.encode([height, width], forKey: .size)
        }
        if let cropSize { try container.encode([cropSize.height, cropSize.width], forKey: .crop) }
        try container.encode(scale, forKey: .scale)
        try container.encode(mean, forKey: .mean)
        try container.encode(std, forKey: .std)
        try container.encode(channelOrder, forKey: .channelOrder)
        try container.encode(layout, forKey: .layout)
        try container.encode(background, forKey: .background)
    }

    /// Accepts `224` as well as `[224, 224]`.
    private static func decodeSizes<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> [Int] {
        if let single = try? container.decode(Int.self, forKey: key) { return [single] }
        return try container.decode([Int].self, forKey: key)
    }
}

/// A preprocessing declaration that cannot produce a fixed-size tensor.
public enum PreprocessSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    case nonPositiveSize(String, Int)
    case shorterSideWithoutCrop
    case cropLargerThanResize(crop: [Int], resize: [Int])
    case wrongChannelCount(String, Int)
    case invalidNormalization

    public var description: String {
        switch self {
        case .nonPositiveSize(let key, let value):
            return "preprocess \(key) must be positive, got \(value)"
        case .shorterSideWithoutCrop:
            return "preprocess resize mode shorter_side gives a different size per image; add crop: [height, width] so every image yields the same tensor"
        case .cropLargerThanResize(let crop, let resize):
            return "preprocess crop \(crop) is larger than the resized image \(resize); crop must fit inside resize"
        case .wrongChannelCount(let key, let count):
            return "preprocess \(key) needs 3 values (R, G, B), got \(count)"
        case .invalidNormalization:
            return "preprocess mean must be finite and std finite and non-zero"
        }
    }
}
