import Foundation
import FoveaHTTP

/// `POST /classify`: an image as the raw body, or one or more `image` parts of
/// a `multipart/form-data` body; `?model=` picks a model, `?top_k=` the number
/// of predictions.
struct ClassifyRoute {
    let pool: ModelPool
    /// Upper bound on `top_k`, far above any real label set, so a client
    /// cannot make us build a huge response.
    static let maxTopK = 1000
    /// Raw bodies are sniffed, not trusted, but a declared type that cannot be
    /// an image is refused outright (a JSON or form body sent by mistake).
    static let acceptedRawTypes: Set<String> = ["image/jpeg", "image/jpg", "image/pjpeg", "image/png", "application/octet-stream"]

    func register(on router: inout Router) {
        router.post("/classify") { request in try await classify(request) }
    }

    func classify(_ request: HTTPRequest) async throws -> HTTPResponse {
        let clock = ContinuousClock()
        let start = clock.now
        let topK = try Self.topK(from: request)
        let model: ServedModel
        do {
            model = try pool.model(named: request.queryParameters["model"])
        } catch {
            throw ErrorResponses.httpError(for: error)
        }
        let images = try Self.images(in: request)

        if images.count == 1 {
            let result: Classification
            do {
                result = try await model.classify(images[0], topK: topK)
            } catch {
                throw ErrorResponses.httpError(for: error)
            }
            let total = clock.now - start
            var response = HTTPResponse.json(bytes: ClassificationJSON.single(result, total: total))
            response.headers.add(name: "Server-Timing", value: Self.serverTiming(result, total: total))
            return response
        }
        let outcomes = await model.classifyAll(images, topK: topK)
        let failures = outcomes.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        if failures.count == outcomes.count {
            // Nothing succeeded: answer with the first image's error status.
            throw ErrorResponses.httpError(for: failures[0])
        }
        return HTTPResponse.json(bytes: ClassificationJSON.multiple(model: model.name, outcomes: outcomes,
                                                                    total: clock.now - start))
    }

    private static func serverTiming(_ result: Classification, total: Duration) -> String {
        [("decode_wait", result.decodeWait), ("decode", result.decode), ("queue", result.queue),
         ("inference", result.inference), ("total", total)]
            .map { "\($0.0);dur=\($0.1.roundedMilliseconds)" }
            .joined(separator: ", ")
    }

    private static func topK(from request: HTTPRequest) throws -> Int? {
        guard let raw = request.queryParameters["top_k"] else { return nil }
        guard let value = Int(raw), (1...maxTopK).contains(value) else {
            throw HTTPError(.badRequest, code: "invalid_top_k",
                            message: "top_k must be an integer between 1 and \(maxTopK), got '\(raw)'.")
        }
        return value
    }

    /// The images of a request, without copying the body.
    private static func images(in request: HTTPRequest) throws -> [ArraySlice<UInt8>] {
        let contentType = request.headers["Content-Type"]
        let mediaType = contentType.map {
            $0.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces).lowercased()
        }
        if mediaType == "multipart/form-data" {
            let form: MultipartFormData
            do {
                form = try MultipartFormData(request: request)
            } catch {
                throw ErrorResponses.httpError(for: error)
            }
            let images = form.parts.filter { $0.name == "image" }.map(\.body)
            guard !images.isEmpty else {
                throw HTTPError(.badRequest, code: "missing_image",
                                message: "The multipart body has no part named 'image'; send the file as form field 'image'.")
            }
            return images
        }
        if let mediaType, !mediaType.isEmpty, !acceptedRawTypes.contains(mediaType) {
            throw HTTPError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "Content-Type '\(mediaType)' is not accepted; send image/jpeg, image/png, "
                    + "application/octet-stream or multipart/form-data with an 'image' part.")
        }
        guard !request.body.isEmpty else {
            throw HTTPError(.badRequest, code: "empty_image",
                            message: "The request body is empty; send the JPEG or PNG file contents as the body.")
        }
        return [request.body[...]]
    }
}
