import Foundation

/// The JSON of classification results, shared by `POST /classify` and the
/// offline `fovea classify`, so both print exactly the same thing.
public enum ClassificationJSON {
    /// One image: `{"model":..,"predictions":[..],"batch_size":..,"timing_ms":{..}}`.
    public static func single(_ result: Classification, total: Duration) -> [UInt8] {
        encode(body(result, total: total))
    }

    /// Several images: `{"model":..,"results":[..],"timing_ms":{"total":..}}`,
    /// each result a classification or that image's own error.
    public static func multiple(model: String, outcomes: [Result<Classification, any Error>], total: Duration) -> [UInt8] {
        let entries = outcomes.map { outcome -> MultiClassificationResponse.Entry in
            switch outcome {
            case .success(let result):
                return .classified(body(result, total: total))
            case .failure(let error):
                let http = ErrorResponses.httpError(for: error)
                return .failed(code: http.code, message: http.message, status: http.status.code)
            }
        }
        return encode(MultiClassificationResponse(
            model: model, results: entries, timingMs: .init(total: total.roundedMilliseconds)))
    }

    private static func body(_ result: Classification, total: Duration) -> ClassificationResponse {
        ClassificationResponse(
            model: result.model, predictions: result.predictions, batchSize: result.batchSize,
            timingMs: .init(decodeWait: result.decodeWait.roundedMilliseconds,
                            decode: result.decode.roundedMilliseconds, queue: result.queue.roundedMilliseconds, inference: result.inference.roundedMilliseconds,
                            total: total.roundedMilliseconds))
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        // Sorted keys: the same result always prints the same bytes.
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Every value here is a plain struct of numbers and strings: encoding
        // cannot fail short of a bug, and NaN scores are encoded as strings.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return Array((try? encoder.encode(value)) ?? Data(#"{"error":{"code":"internal_error","message":"encoding failed"}}"#.utf8))
    }
}
