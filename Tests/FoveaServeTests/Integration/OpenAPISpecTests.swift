import Foundation
import XCTest
@testable import FoveaServe

/// `Deploy/openapi.yaml` is what client generators and API gateways read, so
/// it must be a valid OpenAPI document, its examples must match its schemas,
/// it must document exactly the routes the service registers, and what the
/// running service answers must match it.
final class OpenAPISpecTests: XCTestCase {
    /// Every route `FoveaService` registers, admin included. A new route goes
    /// here and into the spec; this list and the spec are compared both ways.
    private static let servedOperations: Set<String> = [
        "POST /classify",
        "GET /models",
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /admin/models",
        "POST /admin/models",
        "PUT /admin/active-model",
        "DELETE /admin/models/{name}",
    ]

    private let adminToken = "openapi-test-token"

    func testTheSpecIsValidOpenAPIAndDocumentsExactlyTheServedRoutes() throws {
        let documented = try validateSpec()
        XCTAssertEqual(Set(documented.keys), Self.servedOperations,
                       "Deploy/openapi.yaml and the routes of FoveaService differ")
    }

    func testTheLiveServiceAnswersEveryDocumentedOperationAsDocumented() async throws {
        let documented = try validateSpec()
        let modelDirectory = Fixtures.repositoryRoot.appendingPathComponent("Config/models").path
        let service = try await Fixtures.startService(try Fixtures.defaultConfiguration {
            $0.admin.token = adminToken
            $0.modelDirectory = modelDirectory
        })
        let base = "http://127.0.0.1:\(try XCTUnwrap(service.port))"
        let exchanges: [Exchange]
        do {
            exchanges = try exerciseEveryOperation(base: base)
        } catch {
            await service.shutdown()
            throw error
        }
        await service.shutdown()

        XCTAssertEqual(Set(exchanges.map(\.operation)), Set(documented.keys), "every documented operation is exercised")
        for exchange in exchanges {
            XCTAssertTrue(documented[exchange.operation]?.contains(exchange.status) ?? false,
                          "\(exchange.operation) answered \(exchange.status), which the spec does not document: \(exchange.body)")
            XCTAssertFalse(exchange.body.contains(#""code":"not_found""#) || exchange.body.contains(#""code":"method_not_allowed""#),
                           "\(exchange.operation) is not routed: \(exchange.body)")
        }
        // Bodies and required headers against the spec's response schemas.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-exchanges-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONEncoder().encode(exchanges).write(to: file)
        _ = try validateSpec(responses: file.path)
    }

    // MARK: - Requests

    /// One request and its answer, in the form the Python checker reads.
    private struct Exchange: Encodable {
        var method: String
        var path: String
        var status: Int
        var headers: [String: String]
        var body: String

        var operation: String { "\(method) \(path)" }
    }

    /// Drives each operation to an answer that exercises its handler: success
    /// where it is cheap, otherwise a documented refusal (no second model is
    /// loaded, to keep the test fast).
    private func exerciseEveryOperation(base: String) throws -> [Exchange] {
        let image = try Fixtures.sharedImage("samoyed-640.jpg")
        let admin = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        var exchanges: [Exchange] = []
        func send(_ method: String, _ template: String, path: String? = nil, query: String = "",
                  headers: [String: String] = [:], bodyFile: String? = nil) throws {
            let response = try curl("\(base)\(path ?? template)\(query)", method: method, headers: headers, bodyFile: bodyFile)
            exchanges.append(Exchange(method: method, path: template, status: response.status,
                                      headers: response.headers, body: response.body))
        }

        try send("POST", "/classify", headers: ["Content-Type": "image/jpeg"], bodyFile: image)
        let (multipartType, multipartBody) = try multipartFile(images: [image, image])
        try send("POST", "/classify", query: "?top_k=2", headers: ["Content-Type": multipartType], bodyFile: multipartBody)
        try send("POST", "/classify", query: "?top_k=0", headers: ["Content-Type": "image/jpeg"], bodyFile: image)
        try send("POST", "/classify", query: "?model=nope", headers: ["Content-Type": "image/jpeg"], bodyFile: image)
        try send("POST", "/classify", headers: ["Content-Type": "application/json"], bodyFile: try jsonFile("{}"))
        try send("GET", "/models")
        try send("GET", "/healthz")
        try send("GET", "/readyz")
        try send("GET", "/metrics")
        try send("GET", "/admin/models", headers: admin)
        try send("GET", "/admin/models")
        try send("POST", "/admin/models", headers: admin,
                 bodyFile: try jsonFile(#"{"name":"dog-breeds","path":"dog-breeds/model.onnx"}"#))
        try send("POST", "/admin/models", headers: admin, bodyFile: try jsonFile(#"{"name":"x","path":"../x.onnx"}"#))
        try send("POST", "/admin/models", headers: admin, bodyFile: try jsonFile(#"{"name":"x"}"#))
        try send("PUT", "/admin/active-model", headers: admin, bodyFile: try jsonFile(#"{"model":"dog-breeds"}"#))
        try send("PUT", "/admin/active-model", headers: admin, bodyFile: try jsonFile(#"{"model":"nope"}"#))
        try send("DELETE", "/admin/models/{name}", path: "/admin/models/dog-breeds", headers: admin)
        try send("DELETE", "/admin/models/{name}", path: "/admin/models/nope", headers: admin)
        return exchanges
    }

    private func jsonFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// A `multipart/form-data` body with one `image` part per file.
    private func multipartFile(images: [String]) throws -> (contentType: String, path: String) {
        let boundary = "fovea-openapi-\(UUID().uuidString)"
        var body = Data()
        for (index, image) in images.enumerated() {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"\(index).jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8))
            body.append(try Data(contentsOf: URL(fileURLWithPath: image)))
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString).multipart")
        try body.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return ("multipart/form-data; boundary=\(boundary)", url.path)
    }

    // MARK: - The Python checker

    /// Validates the spec (and, given a file of exchanges, those answers)
    /// and returns each documented operation with its documented statuses.
    private func validateSpec(responses: String? = nil) throws -> [String: Set<Int>] {
        let spec = Fixtures.repositoryRoot.appendingPathComponent("Deploy/openapi.yaml").path
        let result = try runTool(try python(), ["-", spec] + (responses.map { [$0] } ?? []), stdin: Data(Self.checker.utf8))
        guard result.status == 0 else { throw SpecCheckError.failed(result.output) }
        var operations: [String: Set<Int>] = [:]
        for match in result.output.matches(of: /(?m)^OPERATION (\S+ \S+) ([\d,]+)$/) {
            operations[String(match.1)] = Set(match.2.split(separator: ",").compactMap { Int($0) })
        }
        return operations
    }

    private func python() throws -> String {
        if let override = ProcessInfo.processInfo.environment["FOVEA_PYTHON"], !override.isEmpty { return override }
        let path = Fixtures.repositoryRoot.appendingPathComponent(".build/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw SpecCheckError.pythonMissing(path) }
        return path
    }

    /// Thrown (so the test fails, never skips) when the spec cannot be checked or fails the checks.
    private enum SpecCheckError: Error, CustomStringConvertible {
        case pythonMissing(String)
        case failed(String)

        var description: String {
            switch self {
            case .pythonMissing(let path):
                "the Python test environment is missing at \(path); run `make test` (or Scripts/setup-python-env.sh)"
            case .failed(let output):
                "Deploy/openapi.yaml does not pass the OpenAPI checks:\n\(output)"
            }
        }
    }

    /// Checks with openapi-spec-validator that the document is valid
    /// OpenAPI 3, then every JSON example (and every recorded answer) against
    /// its schema with openapi-schema-validator, and that each response
    /// documents `X-Request-ID`. Prints `OPERATION <METHOD> <path> <statuses>`.
    private static let checker = #"""
        import json, sys
        try:
            import yaml
            from openapi_spec_validator import validate
            from openapi_schema_validator import OAS30Validator
        except ImportError as error:
            sys.exit(f"{error}: the test environment lacks openapi-spec-validator; run `make test` (or Scripts/setup-python-env.sh)")

        with open(sys.argv[1]) as file:
            spec = yaml.safe_load(file)
        try:
            validate(spec)
        except Exception as error:
            sys.exit(f"not a valid OpenAPI document: {getattr(error, 'message', error)} at {getattr(error, 'json_path', '?')}")

        def resolve(node):
            while isinstance(node, dict) and "$ref" in node:
                target = spec
                for key in node["$ref"].removeprefix("#/").split("/"):
                    target = target[key]
                node = target
            return node

        def inline(node):
            node = resolve(node)
            if isinstance(node, dict):
                return {key: inline(value) for key, value in node.items()}
            if isinstance(node, list):
                return [inline(item) for item in node]
            return node

        problems = []

        def check(where, schema, value):
            for error in OAS30Validator(inline(schema)).iter_errors(value):
                problems.append(f"{where}: {error.message} at {error.json_path}")

        def check_examples(where, content):
            for media_type, media in content.items():
                if "json" not in media_type:
                    continue
                samples = {"example": media["example"]} if "example" in media else {}
                for name, example in media.get("examples", {}).items():
                    samples[name] = resolve(example)["value"]
                if not samples:
                    problems.append(f"{where} {media_type}: no example")
                for name, sample in samples.items():
                    check(f"{where} example '{name}'", media["schema"], sample)

        operations = {}
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                if method == "parameters":
                    continue
                where = f"{method.upper()} {path}"
                operations[where] = operation
                if "requestBody" in operation:
                    check_examples(f"{where} request", resolve(operation["requestBody"])["content"])
                for status, response in operation["responses"].items():
                    response = resolve(response)
                    if "X-Request-ID" not in response.get("headers", {}):
                        problems.append(f"{where} {status}: X-Request-ID is not documented")
                    check_examples(f"{where} {status}", response.get("content", {}))
                print("OPERATION", where, ",".join(sorted(operation["responses"])))

        for exchange in json.load(open(sys.argv[2])) if len(sys.argv) > 2 else []:
            where = f"{exchange['method']} {exchange['path']} answered {exchange['status']}"
            response = operations[f"{exchange['method']} {exchange['path']}"]["responses"].get(str(exchange["status"]))
            if response is None:
                problems.append(f"{where}: status not documented")
                continue
            response = resolve(response)
            for name, header in response.get("headers", {}).items():
                if resolve(header).get("required") and name.lower() not in exchange["headers"]:
                    problems.append(f"{where}: required header {name} is missing")
            content = response.get("content", {})
            if "application/json" in content:
                check(where, content["application/json"]["schema"], json.loads(exchange["body"]))
            elif not any(exchange["headers"].get("content-type", "").startswith(media.split(";")[0]) for media in content):
                problems.append(f"{where}: Content-Type {exchange['headers'].get('content-type')} is not documented")

        for problem in problems:
            print("PROBLEM:", problem)
        sys.exit(1 if problems else 0)
        """#
}
