/// JSON bodies of `POST /classify`.
struct ClassificationResponse: Encodable {
    var model: String
    var predictions: [Prediction]
    var batchSize: Int
    var timingMs: Timing

    struct Timing: Encodable {
        var decodeWait: Double
        var decode: Double
        var queue: Double
        var inference: Double
        var total: Double

        enum CodingKeys: String, CodingKey {
            case decodeWait = "decode_wait"
            case decode, queue, inference, total
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, predictions
        case batchSize = "batch_size"
        case timingMs = "timing_ms"
    }
}

/// Several images in one multipart request: one entry per `image` part, in
/// order, each either a classification or the error of that image alone.
struct MultiClassificationResponse: Encodable {
    var model: String
    var results: [Entry]
    var timingMs: Total

    enum Entry: Encodable {
        case classified(ClassificationResponse)
        case failed(code: String, message: String, status: Int)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .classified(let response):
                try response.encode(to: encoder)
            case .failed(let code, let message, let status):
                var container = encoder.container(keyedBy: ErrorKeys.self)
                var error = container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error)
                try error.encode(code, forKey: .code)
                try error.encode(message, forKey: .message)
                try error.encode(status, forKey: .status)
            }
        }

        private enum ErrorKeys: String, CodingKey { case error, code, message, status }
    }

    struct Total: Encodable { var total: Double }

    enum CodingKeys: String, CodingKey {
        case model, results
        case timingMs = "timing_ms"
    }
}

extension Duration {
    /// Milliseconds rounded to microseconds, as reported to clients.
    var roundedMilliseconds: Double {
        let (seconds, attoseconds) = components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return Double(microseconds) / 1000
    }
}
