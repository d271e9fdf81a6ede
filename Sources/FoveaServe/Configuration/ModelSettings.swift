import Foundation
import FoveaImage

/// One entry of the `models:` list: where a model is, how its input is
/// prepared and how its requests are batched.
public struct ModelSettings: Sendable, Equatable, Decodable {
    /// Used in URLs (`?model=`), metric labels and logs.
    public var name: String
    /// The ONNX file. Relative paths in a config file are resolved against the
    /// file's directory, so a config and its models can move together.
    public var path: String
    /// One class name per line, in output order. Optional: without it classes
    /// are reported as `class_<index>`.
    public var labels: String?
    public var preprocess: PreprocessSpec = .imageNet
    public var jpegDownscaling = JPEGDownscaling.accurate
    /// Threads an uploaded image may be prepared on while it is the only one
    /// in flight (see `ImageThreadBudget`); with others in flight it gets one.
    public var threadsPerImage = 2
    /// Predictions returned when the request does not ask for `top_k`.
    public var topK = 5
    /// Whether the model's output row is logits or probabilities; when unset
    /// it is read from the graph (a final Softmax means probabilities).
    public var output: ScoreNormalization?
    public var batching = BatchingSettings()
    /// Independent copies of the model that run batches in parallel, each on
    /// its share of the cores; a batch that runs alone still gets every core
    /// (`CoreShare`). Each holds its own compiled plans and activations. Two
    /// by default: under load on 2 cores, 1.0–1.2× the images per second of
    /// one instance (BENCHMARKS.md, "Core sharing").
    public var instances = 2

    public init(name: String, path: String, labels: String? = nil, preprocess: PreprocessSpec = .imageNet) {
        self.name = name
        self.path = path
        self.labels = labels
        self.preprocess = preprocess
    }

    /// Names appear in URLs and Prometheus labels, so they are kept to a
    /// conservative character set.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, path, labels, preprocess, output, batching, instances
        case topK = "top_k"
        case jpegDownscaling = "jpeg_downscaling"
        case threadsPerImage = "threads_per_image"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        guard Self.isValidName(name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .name, in: c,
                debugDescription: "'\(name)' is not a valid model name; use 1–64 letters, digits, '-', '_' or '.'")
        }
        path = try c.decode(String.self, forKey: .path)
        labels = try c.decodeIfPresent(String.self, forKey: .labels)
        preprocess = try c.decodeIfPresent(PreprocessSpec.self, forKey: .preprocess) ?? preprocess
        topK = try c.positive(.topK) ?? topK
        jpegDownscaling = try c.decodeIfPresent(JPEGDownscaling.self, forKey: .jpegDownscaling) ?? jpegDownscaling
        threadsPerImage = try c.positive(.threadsPerImage) ?? threadsPerImage
        output = try c.decodeIfPresent(ScoreNormalization.self, forKey: .output)
        batching = try c.decodeIfPresent(BatchingSettings.self, forKey: .batching) ?? batching
        instances = try c.positive(.instances) ?? instances
    }

    /// Resolves relative file paths against `directory`.
    func resolvingPaths(against directory: String) -> ModelSettings {
        var copy = self
        copy.path = resolvePath(path, against: directory)
        copy.labels = labels.map { resolvePath($0, against: directory) }
        return copy
    }
}

/// The absolute form of `path`, taken relative to `directory` when it is
/// relative, so logs and the admin API always show where a file really is.
func resolvePath(_ path: String, against directory: String) -> String {
    let base = URL(fileURLWithPath: directory.isEmpty ? "." : directory, isDirectory: true)
    return URL(fileURLWithPath: path, relativeTo: base).standardizedFileURL.path
}
