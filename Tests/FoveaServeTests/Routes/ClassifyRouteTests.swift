import Foundation
import XCTest
@testable import FoveaServe

/// `POST /classify` over real HTTP against the shipped dog-breed model.
final class ClassifyRouteTests: XCTestCase {
    /// Loading and warming the model takes seconds; one service serves the class.
    nonisolated(unsafe) private static var shared: (service: FoveaService, base: String)?

    private func base() async throws -> String {
        if let shared = Self.shared { return shared.base }
        let service = try await Fixtures.startService(try Fixtures.defaultConfiguration())
        let base = "http://127.0.0.1:\(try XCTUnwrap(service.port))"
        Self.shared = (service, base)
        return base
    }

    private func json(_ response: CurlResponse) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any], response.body)
    }

    private func errorCode(_ response: CurlResponse) throws -> String? {
        (try json(response)["error"] as? [String: Any])?["code"] as? String
    }

    func testASamoyedPhotoIsClassifiedAsSamoyed() async throws {
        let base = try await base()
        let response = try curl("\(base)/classify?top_k=3", method: "POST",
                                headers: ["Content-Type": "image/jpeg"], bodyFile: try Fixtures.sharedImage("samoyed.jpg"))
        XCTAssertEqual(response.status, 200, response.body)
        let body = try json(response)
        XCTAssertEqual(body["model"] as? String, "dog-breeds")
        let predictions = try XCTUnwrap(body["predictions"] as? [[String: Any]])
        XCTAssertEqual(predictions.count, 3)
        XCTAssertEqual(predictions[0]["label"] as? String, "Samoyed")
        XCTAssertEqual(predictions[0]["index"] as? Int, 15)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(predictions[0]["score"] as? Double), 0.9)
        let timing = try XCTUnwrap(body["timing_ms"] as? [String: Double])
        let stages = ["decode_wait", "decode", "queue", "inference"]
        XCTAssertEqual(Set(timing.keys), Set(stages + ["total"]))
        // The stages follow one another, so together they fit in the total
        // (rounding to microseconds aside).
        XCTAssertGreaterThanOrEqual(timing["total"]! + 0.005, stages.map { timing[$0]! }.reduce(0, +))
        XCTAssertGreaterThanOrEqual(body["batch_size"] as? Int ?? 0, 1)
        let serverTiming = try XCTUnwrap(response.headers["server-timing"])
        let names = serverTiming.split(separator: ",").map {
            String($0.trimmingCharacters(in: .whitespaces).split(separator: ";")[0])
        }
        XCTAssertEqual(names, stages + ["total"], "Server-Timing lists the stages in pipeline order: \(serverTiming)")
    }

    func testOctetStreamAndMissingContentTypeAreSniffed() async throws {
        let base = try await base()
        let image = try Fixtures.sharedImage("samoyed-640.jpg")
        for headers in [["Content-Type": "application/octet-stream"], ["Content-Type": ""]] {
            let response = try curl("\(base)/classify", method: "POST", headers: headers, bodyFile: image)
            XCTAssertEqual(response.status, 200, response.body)
            XCTAssertEqual(((try json(response)["predictions"] as? [[String: Any]])?.first?["label"]) as? String, "Samoyed")
        }
    }

    func testMultipartImagesAreAnsweredInOrder() async throws {
        let base = try await base()
        let curlPath = try requireTool("curl")
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("note-\(UUID().uuidString).txt")
        try "not an image".write(to: text, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: text) }
        let result = try runTool(curlPath, [
            "-s", "-F", "image=@\(try Fixtures.sharedImage("samoyed.jpg"))",
            "-F", "caption=ignored field",
            "-F", "image=@\(text.path);type=text/plain",
            "-F", "image=@\(try Fixtures.sharedImage("samoyed-640.jpg"))",
            "\(base)/classify?top_k=1",
        ])
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], result.output)
        let results = try XCTUnwrap(body["results"] as? [[String: Any]], result.output)
        XCTAssertEqual(results.count, 3, "one entry per 'image' part, other fields ignored")
        XCTAssertEqual(((results[0]["predictions"] as? [[String: Any]])?.first?["label"]) as? String, "Samoyed")
        XCTAssertEqual((results[1]["error"] as? [String: Any])?["code"] as? String, "unsupported_image_format",
                       "a bad part fails alone")
        XCTAssertEqual((results[1]["error"] as? [String: Any])?["status"] as? Int, 415)
        XCTAssertEqual(((results[2]["predictions"] as? [[String: Any]])?.first?["label"]) as? String, "Samoyed")
    }

    func testBadRequestsGetTheirSpecificErrors() async throws {
        let base = try await base()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String, _ bytes: some Sequence<UInt8>) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: try Fixtures.sharedImage("samoyed-640.jpg")))
        let cases: [(String, [String: String], String?, Int, String)] = [
            ("/classify", ["Content-Type": "image/jpeg"], try file("empty", []), 400, "empty_image"),
            ("/classify", ["Content-Type": "text/plain"], try file("text", Array("hello".utf8)), 415, "unsupported_media_type"),
            ("/classify", ["Content-Type": "image/jpeg"], try file("text.jpg", Array("hello".utf8)), 415, "unsupported_image_format"),
            ("/classify", ["Content-Type": "image/jpeg"], try file("cut.jpg", jpeg.prefix(3000)), 422, "undecodable_image"),
            ("/classify?model=nope", ["Content-Type": "image/jpeg"], try file("ok.jpg", jpeg), 404, "model_not_found"),
            ("/classify?top_k=0", ["Content-Type": "image/jpeg"], try file("ok2.jpg", jpeg), 400, "invalid_top_k"),
            ("/classify", ["Content-Type": "multipart/form-data; boundary=xyz"], try file("form", Array("--xyz\r\n".utf8)), 400, "malformed_multipart"),
        ]
        for (path, headers, body, status, code) in cases {
            let response = try curl("\(base)\(path)", method: "POST", headers: headers, bodyFile: body)
            XCTAssertEqual(response.status, status, "\(path) \(headers): \(response.body)")
            XCTAssertEqual(try errorCode(response), code, response.body)
        }
        let get = try curl("\(base)/classify")
        XCTAssertEqual(get.status, 405)
        XCTAssertEqual(get.headers["allow"], "POST")
    }

    /// With the default two instances, requests that trickle in (each curl is
    /// a process of its own) often find an instance idle and run alone, as
    /// they should; one instance busy with the first of them is what makes
    /// the others form a batch, so this test serves the model with one.
    func testConcurrentRequestsShareBatchesAndGetTheSameScoresAsAlone() async throws {
        let service = try await Fixtures.startService(try Fixtures.defaultConfiguration {
            $0.models = $0.models.map { model in
                var model = model
                model.instances = 1
                return model
            }
        })
        let base = "http://127.0.0.1:\(try XCTUnwrap(service.port))"
        let image = try Fixtures.sharedImage("samoyed-640.jpg")
        let alone = try json(try curl("\(base)/classify?top_k=19", method: "POST",
                                                headers: ["Content-Type": "image/jpeg"], bodyFile: image))
        let responses = try await withThrowingTaskGroup(of: CurlResponse.self) { group in
            for _ in 0..<12 {
                group.addTask { try curl("\(base)/classify?top_k=19", method: "POST",
                                                headers: ["Content-Type": "image/jpeg"], bodyFile: image) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let together = try responses.map { try json($0) }
        XCTAssertTrue(together.contains { ($0["batch_size"] as? Int ?? 0) > 1 },
                      "12 concurrent requests should share at least one batch: \(together.map { $0["batch_size"] ?? "?" })")
        func scores(_ body: [String: Any]) -> [Int: Double] {
            Dictionary(uniqueKeysWithValues: (body["predictions"] as? [[String: Any]] ?? []).map {
                ($0["index"] as! Int, $0["score"] as! Double)
            })
        }
        let reference = scores(alone)
        XCTAssertEqual(reference.count, 19)
        for body in together {
            for (index, score) in scores(body) {
                XCTAssertEqual(score, reference[index]!, accuracy: 1e-5, "batched result differs for class \(index)")
            }
        }
        await service.shutdown()
    }

    func testModelsListsTheActiveModel() async throws {
        let base = try await base()
        let response = try curl("\(base)/models")
        XCTAssertEqual(response.status, 200)
        let body = try json(response)
        XCTAssertEqual(body["active"] as? String, "dog-breeds")
        let model = try XCTUnwrap((body["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(model["name"] as? String, "dog-breeds")
        XCTAssertEqual(model["labels"] as? Int, 19)
        XCTAssertEqual(model["output_scores"] as? String, "probabilities", "a final Softmax is detected")
        let shape = try XCTUnwrap((model["input"] as? [String: Any])?["shape"] as? [Any])
        XCTAssertEqual(shape.map { $0 as? Int }, [nil, 160, 160, 3], "the batch dimension is open (null)")
        XCTAssertEqual((model["batching"] as? [String: Any])?["max_batch_size"] as? Int, 4)
    }
}
