import Foundation
import XCTest
@testable import FoveaServe

/// The admin API over real HTTP: authentication, loading from the model
/// directory only, atomic swaps under load.
final class AdminRoutesTests: XCTestCase {
    private let token = "test-admin-token"
    private var modelDirectory: URL!

    override func setUpWithError() throws {
        // A model directory with a good model and a corrupt one.
        modelDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-models-\(UUID().uuidString)")
        let dogs = modelDirectory.appendingPathComponent("dogs")
        try FileManager.default.createDirectory(at: dogs, withIntermediateDirectories: true)
        let shipped = Fixtures.repositoryRoot.appendingPathComponent("Config/models/dog-breeds")
        for file in ["model.onnx", "labels.txt"] {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(file), to: dogs.appendingPathComponent(file))
        }
        let onnx = try Data(contentsOf: dogs.appendingPathComponent("model.onnx"))
        try onnx.prefix(onnx.count / 2).write(to: modelDirectory.appendingPathComponent("truncated.onnx"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: modelDirectory)
    }

    private func startService(token: String?) async throws -> (FoveaService, String) {
        let directory = modelDirectory.path
        let service = try await Fixtures.startService(try Fixtures.defaultConfiguration {
            $0.admin.token = token
            $0.modelDirectory = directory
        })
        return (service, "http://127.0.0.1:\(try XCTUnwrap(service.port))")
    }

    private var auth: [String: String] { ["Authorization": "Bearer \(token)", "Content-Type": "application/json"] }

    private func jsonFile(_ text: String) throws -> String {
        let url = modelDirectory.appendingPathComponent("request-\(UUID().uuidString).json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private let dogsRequest = #"""
        {"name":"dogs","path":"dogs/model.onnx","labels":"dogs/labels.txt",
         "preprocess":{"resize":{"mode":"exact","size":[160,160]},"scale":"minus_one_to_one","layout":"nhwc"}}
        """#

    func testWithoutATokenTheAdminAPIDoesNotExist() async throws {
        let (service, base) = try await startService(token: nil)
        XCTAssertEqual(try curl("\(base)/admin/models", headers: auth).status, 404)
        await service.shutdown()
    }

    func testRequestsWithoutTheRightTokenAreRefused() async throws {
        let (service, base) = try await startService(token: token)
        for headers in [[:], ["Authorization": "Bearer wrong"], ["Authorization": "Basic \(token)"],
                        ["Authorization": "Bearer \(token)x"]] {
            let response = try curl("\(base)/admin/models", headers: headers)
            XCTAssertEqual(response.status, 401, "\(headers)")
            XCTAssertEqual(response.headers["www-authenticate"], #"Bearer realm="fovea-admin""#)
        }
        XCTAssertEqual(try curl("\(base)/admin/models", headers: auth).status, 200)
        await service.shutdown()
    }

    func testLoadActivateAndRemoveAModel() async throws {
        let (service, base) = try await startService(token: token)
        let loaded = try curl("\(base)/admin/models", method: "POST", headers: auth, bodyFile: try jsonFile(dogsRequest))
        XCTAssertEqual(loaded.status, 201, loaded.body)
        XCTAssertTrue(loaded.body.contains(#""name":"dogs""#), loaded.body)
        XCTAssertEqual(try curl("\(base)/admin/models", method: "POST", headers: auth,
                                bodyFile: try jsonFile(dogsRequest)).status, 409, "a name is loaded once")

        let swapped = try curl("\(base)/admin/active-model", method: "PUT", headers: auth,
                               bodyFile: try jsonFile(#"{"model":"dogs"}"#))
        XCTAssertEqual(swapped.body, #"{"active":"dogs","previous":"dog-breeds"}"#)
        let image = try Fixtures.sharedImage("samoyed-640.jpg")
        let classified = try curl("\(base)/classify", method: "POST", headers: ["Content-Type": "image/jpeg"], bodyFile: image)
        XCTAssertTrue(classified.body.contains(#""model":"dogs""#), "new requests go to the new active model")

        let refused = try curl("\(base)/admin/models/dogs", method: "DELETE", headers: auth)
        XCTAssertEqual(refused.status, 409, "the active model cannot be removed")
        let removed = try curl("\(base)/admin/models/dog-breeds", method: "DELETE", headers: auth)
        XCTAssertEqual(removed.status, 200, removed.body)
        XCTAssertEqual(try curl("\(base)/classify?model=dog-breeds", method: "POST",
                                headers: ["Content-Type": "image/jpeg"], bodyFile: image).status, 404)
        XCTAssertEqual(try curl("\(base)/admin/models/dog-breeds", method: "DELETE", headers: auth).status, 404)

        let metrics = try curl("\(base)/metrics").body
        XCTAssertTrue(metrics.contains("fovea_model_swaps_total 1"), metrics)
        XCTAssertTrue(metrics.contains(#"fovea_model_info{model="dogs",active="true"} 1"#), metrics)
        XCTAssertFalse(metrics.contains(#"fovea_model_info{model="dog-breeds""#), "removed models leave the metric")
        await service.shutdown()
    }

    func testPathsOutsideTheModelDirectoryAreForbidden() async throws {
        let (service, base) = try await startService(token: token)
        for path in ["../etc/passwd", "/etc/passwd", "dogs/../../x.onnx", ""] {
            let response = try curl("\(base)/admin/models", method: "POST", headers: auth,
                                    bodyFile: try jsonFile(#"{"name":"x","path":"\#(path)"}"#))
            XCTAssertEqual(response.status, 403, "\(path): \(response.body)")
            XCTAssertTrue(response.body.contains("path_outside_model_dir"), response.body)
        }
        // A symbolic link that leads out of the directory is an escape too.
        try FileManager.default.createSymbolicLink(
            atPath: modelDirectory.appendingPathComponent("escape").path, withDestinationPath: "/etc")
        let linked = try curl("\(base)/admin/models", method: "POST", headers: auth,
                              bodyFile: try jsonFile(#"{"name":"x","path":"escape/passwd"}"#))
        XCTAssertEqual(linked.status, 403, linked.body)
        await service.shutdown()
    }

    func testInvalidRequestsNameTheProblem() async throws {
        let (service, base) = try await startService(token: token)
        let cases: [(String, String, Int, String)] = [
            ("POST", "not json", 400, "invalid_request"),
            ("POST", #"{"path":"dogs/model.onnx"}"#, 400, "'name': required key is missing"),
            ("POST", #"{"name":"a b","path":"dogs/model.onnx"}"#, 400, "not a valid model name"),
            ("POST", #"{"name":"x","path":"dogs/model.onnx","top_k":"five"}"#, 400, "'top_k'"),
            ("POST", #"{"name":"x","path":"dogs/model.onnx","colour":"red"}"#, 400, "unknown key"),
            ("PUT", #"{"model":"ghost"}"#, 404, "model_not_found"),
        ]
        for (method, body, status, fragment) in cases {
            let path = method == "PUT" ? "/admin/active-model" : "/admin/models"
            let response = try curl("\(base)\(path)", method: method, headers: auth, bodyFile: try jsonFile(body))
            XCTAssertEqual(response.status, status, "\(body): \(response.body)")
            XCTAssertTrue(response.body.contains(fragment), "\(body): \(response.body)")
        }
        await service.shutdown()
    }

    func testSwappingUnderLoadFailsNoRequestAndACorruptModelChangesNothing() async throws {
        let (service, base) = try await startService(token: token)
        let auth = self.auth
        XCTAssertEqual(try curl("\(base)/admin/models", method: "POST", headers: auth,
                                bodyFile: try jsonFile(dogsRequest)).status, 201)
        let image = try Fixtures.sharedImage("samoyed-640.jpg")
        let swapBodies = [try jsonFile(#"{"model":"dogs"}"#), try jsonFile(#"{"model":"dog-breeds"}"#)]
        let corrupt = try jsonFile(#"{"name":"broken","path":"truncated.onnx"}"#)

        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<8 {
                group.addTask { try postRepeatedly("\(base)/classify", bodyFile: image, count: 25) }
            }
            group.addTask {
                var swaps: [Int] = []
                for round in 0..<12 {
                    swaps.append(try curl("\(base)/admin/active-model", method: "PUT", headers: auth,
                                          bodyFile: swapBodies[round % 2]).status)
                    if round == 5 {
                        let response = try curl("\(base)/admin/models", method: "POST", headers: auth, bodyFile: corrupt)
                        XCTAssertEqual(response.status, 422, response.body)
                        XCTAssertTrue(response.body.contains("model_load_failed"), response.body)
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                return swaps.map { $0 == 200 ? 0 : $0 }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let requests = statuses.filter { $0 != 0 }
        XCTAssertEqual(requests.count, 8 * 25, "every request was answered")
        XCTAssertEqual(requests.filter { $0 != 200 }, [], "no request failed while the active model changed")
        let models = try curl("\(base)/admin/models", headers: auth).body
        XCTAssertFalse(models.contains("broken"), "a model that fails to load leaves the pool as it was")
        await service.shutdown()
    }
}
