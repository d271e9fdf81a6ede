import FoveaHTTP
import XCTest

/// The router as a plain responder, without sockets.
final class RouterTests: XCTestCase {
    private func makeRouter() -> Router {
        var router = Router()
        router.get("/healthz") { _ in .text("ok") }
        router.get("/admin/models/{name}") { request in .text("get \(request.pathParameters["name"] ?? "")") }
        router.delete("/admin/models/{name}") { request in .text("delete \(request.pathParameters["name"] ?? "")") }
        router.get("/admin/models/{name}/versions/{version}") { request in
            .text("\(request.pathParameters["name"] ?? "")@\(request.pathParameters["version"] ?? "")")
        }
        router.post("/fail") { _ in throw HTTPError(.unprocessableContent, code: "bad_image", message: "Not a JPEG.") }
        router.post("/crash") { _ in throw CancellationError() }
        return router
    }

    private func respond(_ method: HTTPMethod, _ target: String) async -> HTTPResponse {
        await makeRouter().respond(to: HTTPRequest(method: method, target: target))
    }

    func testPathParametersAreCaptured() async {
        let get = await respond(.get, "/admin/models/resnet50")
        let delete = await respond(.delete, "/admin/models/resnet50")
        let nested = await respond(.get, "/admin/models/a/versions/3")
        XCTAssertEqual(get.body, Array("get resnet50".utf8))
        XCTAssertEqual(delete.body, Array("delete resnet50".utf8))
        XCTAssertEqual(nested.body, Array("a@3".utf8))
    }

    func testUnknownPathsAre404() async {
        for target in ["/nope", "/admin/models", "/admin/models/", "/admin/models/a/b", "/healthz/"] {
            let response = await respond(.get, target)
            XCTAssertEqual(response.status, .notFound, target)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self),
                           #"{"error":{"code":"not_found","message":"No route for '\#(target)'."}}"#)
        }
    }

    func testWrongMethodIs405WithAllowListingEveryMethod() async {
        let response = await respond(.put, "/admin/models/x")
        XCTAssertEqual(response.status, .methodNotAllowed)
        XCTAssertEqual(response.headers["Allow"], "DELETE, GET, HEAD")
    }

    func testHeadFallsBackToGet() async {
        let response = await respond(.head, "/healthz")
        XCTAssertEqual(response.status, .ok)
    }

    func testThrownHTTPErrorBecomesItsResponse() async {
        let response = await respond(.post, "/fail")
        XCTAssertEqual(response.status.code, 422)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self),
                       #"{"error":{"code":"bad_image","message":"Not a JPEG."}}"#)
    }

    func testOtherErrorsBecome500WithoutDetails() async {
        let response = await respond(.post, "/crash")
        XCTAssertEqual(response.status, .internalServerError)
        XCTAssertFalse(String(decoding: response.body, as: UTF8.self).contains("Cancellation"))
    }

    func testMiddlewareWrapsEveryRequest() async {
        struct StampMiddleware: HTTPMiddleware {
            func respond(to request: HTTPRequest, next: any HTTPResponder) async -> HTTPResponse {
                var response = await next.respond(to: request)
                response.headers["X-Stamp"] = "seen"
                return response
            }
        }
        let responder = makeRouter().wrapped(by: StampMiddleware())
        let response = await responder.respond(to: HTTPRequest(method: .get, target: "/missing"))
        XCTAssertEqual(response.status, .notFound)
        XCTAssertEqual(response.headers["X-Stamp"], "seen")
    }

    func testErrorShapeEscapesJSON() {
        let response = HTTPResponse.error(.badRequest, code: "x", message: "quote \" backslash \\ newline \n")
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self),
                       #"{"error":{"code":"x","message":"quote \" backslash \\ newline \n"}}"#)
    }

    func testRoutePatternNamesTheMatchingRoute() {
        let router = makeRouter()
        XCTAssertEqual(router.routePattern(matching: "/admin/models/resnet50"), "/admin/models/{name}")
        XCTAssertEqual(router.routePattern(matching: "/healthz"), "/healthz")
        XCTAssertNil(router.routePattern(matching: "/wp-login.php"))
    }

    func testInvalidPatternsAreDescribed() {
        XCTAssertThrowsError(try RoutePattern("models/{name}"))
        XCTAssertThrowsError(try RoutePattern("/models/{name}/{name}"))
        XCTAssertThrowsError(try RoutePattern("/models/x{name}"))
    }
}
