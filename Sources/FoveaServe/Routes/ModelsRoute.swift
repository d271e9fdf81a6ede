import Foundation
import FoveaHTTP

/// `GET /models`: what is loaded, what it expects and how it batches.
struct ModelsRoute {
    let pool: ModelPool

    func register(on router: inout Router) {
        router.get("/models") { [pool] _ in
            try HTTPResponse.json(ModelListResponse(pool: pool), encoder: ModelsRoute.encoder)
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()
}
