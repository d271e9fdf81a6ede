import Foundation
import FoveaHTTP
import Logging

/// The token-protected admin API: list, load, activate and remove models at
/// run time. Registered only when a token is configured, so a default
/// install has no way to change what it serves.
struct AdminRoutes {
    let pool: ModelPool
    let loader: ModelLoader
    let authenticator: BearerTokenAuthenticator
    let modelDirectory: ModelDirectory
    let logger: Logger

    func register(on router: inout Router) {
        router.get("/admin/models") { request in
            try authenticator.authenticate(request)
            return try HTTPResponse.json(ModelListResponse(pool: pool, showPaths: true), encoder: ModelsRoute.encoder)
        }
        router.post("/admin/models") { request in
            try authenticator.authenticate(request)
            return try await load(request)
        }
        router.put("/admin/active-model") { request in
            try authenticator.authenticate(request)
            return try activate(request)
        }
        router.delete("/admin/models/{name}") { request in
            try authenticator.authenticate(request)
            return try await remove(request)
        }
    }

    private func load(_ request: HTTPRequest) async throws -> HTTPResponse {
        let (settings, activate) = try decodeLoadRequest(request.body)
        if (try? pool.model(named: settings.name)) != nil {
            throw ErrorResponses.httpError(for: ModelPoolError.alreadyLoaded(name: settings.name))
        }
        let model: ServedModel
        do {
            model = try await loader.loadInBackground(settings)
            try pool.add(model, activate: activate)
        } catch {
            logger.warning("Admin: model load refused", metadata: [
                "request_id": "\(request.requestID)", "model": "\(settings.name)", "error": "\(error)",
            ])
            throw ErrorResponses.httpError(for: error)
        }
        logger.notice("Admin: model loaded", metadata: [
            "request_id": "\(request.requestID)", "model": "\(settings.name)", "path": "\(settings.path)",
            "active": "\(pool.activeModelName == settings.name)",
        ])
        return try HTTPResponse.json(ModelDescription(model, active: pool.activeModelName == model.name, showPath: true),
                                     status: .created, encoder: ModelsRoute.encoder)
    }

    private func activate(_ request: HTTPRequest) throws -> HTTPResponse {
        struct Body: Decodable { var model: String }
        let body: Body = try decodeJSON(request.body)
        let previous: String?
        do {
            previous = try pool.activate(body.model)
        } catch {
            throw ErrorResponses.httpError(for: error)
        }
        logger.notice("Admin: active model changed", metadata: [
            "request_id": "\(request.requestID)", "model": "\(body.model)", "previous": "\(previous ?? "none")",
        ])
        struct Response: Encodable { var active: String; var previous: String? }
        return try HTTPResponse.json(Response(active: body.model, previous: previous), encoder: ModelsRoute.encoder)
    }

    private func remove(_ request: HTTPRequest) async throws -> HTTPResponse {
        let name = request.pathParameters["name"] ?? ""
        do {
            try await pool.remove(name)
        } catch {
            throw ErrorResponses.httpError(for: error)
        }
        logger.notice("Admin: model removed", metadata: ["request_id": "\(request.requestID)", "model": "\(name)"])
        struct Response: Encodable { var removed: String }
        return try HTTPResponse.json(Response(removed: name), encoder: ModelsRoute.encoder)
    }

    /// A load request is a model entry as in `fovea.yaml` (paths relative to
    /// the model directory) plus `activate`.
    private func decodeLoadRequest(_ body: [UInt8]) throws -> (ModelSettings, Bool) {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw HTTPError(.badRequest, code: "invalid_request", message: "The body must be a JSON object describing the model.")
        }
        let activate = object.removeValue(forKey: "activate")
        guard activate == nil || activate is Bool else {
            throw HTTPError(.badRequest, code: "invalid_request", message: "'activate' must be true or false.")
        }
        var settings: ModelSettings = try decodeJSON(Array(try JSONSerialization.data(withJSONObject: object)))
        do {
            settings.path = try modelDirectory.resolve(settings.path)
            settings.labels = try settings.labels.map { label throws(ModelDirectory.Violation) in
                try modelDirectory.resolve(label)
            }
        } catch {
            throw HTTPError(.forbidden, code: "path_outside_model_dir", message: error.description)
        }
        return (settings, activate as? Bool ?? false)
    }

    private func decodeJSON<T: Decodable>(_ body: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            let message = error.keyAndReason.map { "'\($0.key)': \($0.reason)" } ?? "the body is not valid JSON"
            throw HTTPError(.badRequest, code: "invalid_request", message: "Invalid request body: \(message).")
        }
    }
}
