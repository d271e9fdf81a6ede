import XCTest
@testable import FoveaServe

final class ConfigurationLoaderTests: XCTestCase {
    private let loader = ConfigurationLoader(environment: [:])

    func testEmptyFileMeansDefaults() throws {
        let configuration = try loader.decode("", file: "fovea.yaml")
        XCTAssertEqual(configuration, ServiceConfiguration())
        XCTAssertEqual(configuration.server.port, 8080)
        XCTAssertEqual(configuration.server.limits.maxBodyBytes, 20 * 1024 * 1024)
        XCTAssertNil(configuration.admin.token, "admin API must be off by default")
    }

    func testShippedConfigurationLoads() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let configuration = try loader.load(file: root.appendingPathComponent("Config/fovea.yaml").path)
        XCTAssertEqual(configuration.server.port, 8080)
        XCTAssertEqual(configuration.server.timeouts.drain, 25)
        XCTAssertNil(configuration.admin.token, "an empty token means the admin API is disabled")
        XCTAssertEqual(configuration.activeModel, "dog-breeds")
        let model = try XCTUnwrap(configuration.models.first)
        XCTAssertEqual(model.path, root.appendingPathComponent("Config/models/dog-breeds/model.onnx").path,
                       "relative paths are relative to the configuration file")
        XCTAssertEqual(model.preprocess.shape, [160, 160, 3])
        XCTAssertEqual(configuration.modelDirectory, root.appendingPathComponent("Config/models").path)
    }

    func testModelEntriesAreValidated() {
        assertError(in: "models:\n  - {name: a, path: a.onnx}\n  - {name: a, path: b.onnx}\n",
                    key: "models[1].name", mentioning: "used twice")
        assertError(in: "models:\n  - {name: a, path: a.onnx}\nactive_model: b\n",
                    key: "active_model", mentioning: "no model named 'b'")
        assertError(in: "models:\n  - {name: 'a b', path: a.onnx}\n", key: "models[0].name", mentioning: "not a valid model name")
        assertError(in: "models:\n  - {name: a, path: a.onnx, batching: {max_batch_size: 16, queue_capacity: 8}}\n",
                    key: "models[0].batching.queue_capacity", mentioning: "at least max_batch_size")
        assertError(in: "models:\n  - {name: a, path: a.onnx, preprocess: {resize: {mode: exact, size: 9}, scal: raw}}\n",
                    key: "models[0].preprocess.scal", mentioning: "unknown key")
    }

    func testNestedValuesAreRead() throws {
        let configuration = try loader.decode("""
            server:
              host: 127.0.0.1
              port: 9000
              threads: 1
              limits: { max_body_bytes: 1000 }
              timeouts: { header_read: 0.5 }
              tls: { certificate: c.pem, private_key: k.pem }
            admin: { token: s3cret }
            """, file: "f.yaml")
        XCTAssertEqual(configuration.server.host, "127.0.0.1")
        XCTAssertEqual(configuration.server.port, 9000)
        XCTAssertEqual(configuration.server.threads, 1)
        XCTAssertEqual(configuration.server.limits.maxBodyBytes, 1000)
        XCTAssertEqual(configuration.server.limits.maxHeaderBytes, 16 * 1024, "unset keys keep defaults")
        XCTAssertEqual(configuration.server.timeouts.headerRead, 0.5)
        XCTAssertEqual(configuration.server.tls, .init(certificate: "c.pem", privateKey: "k.pem"))
        XCTAssertEqual(configuration.admin.token, "s3cret")
    }

    func testJPEGDownscalingIsAccurateUnlessAModelAsksForFast() throws {
        let configuration = try loader.decode("""
            models:
              - {name: a, path: a.onnx}
              - {name: b, path: b.onnx, jpeg_downscaling: fast}
            """, file: "f.yaml")
        XCTAssertEqual(configuration.models.map(\.jpegDownscaling), [.accurate, .fast])
        XCTAssertEqual(JPEGDownscaling.accurate.dctOversampling, 4, "within 2/255 of Pillow")
        XCTAssertEqual(JPEGDownscaling.fast.dctOversampling, 2)
        assertError(in: "models:\n  - {name: a, path: a.onnx, jpeg_downscaling: quick}\n",
                    key: "models[0].jpeg_downscaling", mentioning: "quick")
    }

    func testThreadsPerImageDefaultsToTwoAndMustBePositive() throws {
        let configuration = try loader.decode("""
            models:
              - {name: a, path: a.onnx}
              - {name: b, path: b.onnx, threads_per_image: 1}
            """, file: "f.yaml")
        XCTAssertEqual(configuration.models.map(\.threadsPerImage), [2, 1])
        assertError(in: "models:\n  - {name: a, path: a.onnx, threads_per_image: 0}\n",
                    key: "models[0].threads_per_image", mentioning: "greater than 0")
    }

    func testUnknownKeyIsNamedWithItsPath() {
        assertError(in: "server:\n  limits:\n    max_body_byte: 10\n",
                    key: "server.limits.max_body_byte", mentioning: "unknown key")
    }

    func testWrongTypeIsNamed() {
        assertError(in: "server:\n  port: eighty\n", key: "server.port", mentioning: "integer")
    }

    func testOutOfRangeValuesAreRejected() {
        assertError(in: "server:\n  port: 70000\n", key: "server.port", mentioning: "65535")
        assertError(in: "server:\n  timeouts:\n    drain: 0\n", key: "server.timeouts.drain", mentioning: "greater than 0")
    }

    func testIncompleteTLSIsRejected() {
        assertError(in: "server:\n  tls:\n    certificate: c.pem\n", key: "server.tls.private_key", mentioning: "missing")
    }

    func testMalformedYAMLNamesTheFile() {
        XCTAssertThrowsError(try loader.decode("server: [unclosed", file: "bad.yaml")) { error in
            guard case .invalidYAML(let file, _) = error as? ConfigurationError else {
                return XCTFail("expected invalidYAML, got \(error)")
            }
            XCTAssertEqual(file, "bad.yaml")
        }
    }

    func testMissingFileIsReported() {
        XCTAssertThrowsError(try loader.load(file: "/nonexistent/fovea.yaml")) { error in
            XCTAssertTrue(String(describing: error).hasPrefix("/nonexistent/fovea.yaml: cannot read"))
        }
    }

    func testEnvironmentOverridesFile() throws {
        let loader = ConfigurationLoader(environment: [
            "FOVEA_PORT": "9999", "FOVEA_ADMIN_TOKEN": "t0ken", "FOVEA_THREADS": "1", "FOVEA_HOST": "127.0.0.1",
        ])
        var configuration = try loader.decode("server: { port: 8080 }", file: "f.yaml")
        try loader.applyEnvironment(to: &configuration)
        XCTAssertEqual(configuration.server.port, 9999)
        XCTAssertEqual(configuration.server.threads, 1)
        XCTAssertEqual(configuration.server.host, "127.0.0.1")
        XCTAssertEqual(configuration.admin.token, "t0ken")
    }

    func testInvalidEnvironmentIsNamed() throws {
        let loader = ConfigurationLoader(environment: ["FOVEA_PORT": "http"])
        var configuration = ServiceConfiguration()
        XCTAssertThrowsError(try loader.applyEnvironment(to: &configuration)) { error in
            XCTAssertEqual(error as? ConfigurationError,
                           .invalidEnvironment(variable: "FOVEA_PORT", value: "http",
                                               reason: "must be a port number between 0 and 65535"))
        }
    }

    private func assertError(in yaml: String, key: String, mentioning fragment: String,
                             line: UInt = #line) {
        XCTAssertThrowsError(try loader.decode(yaml, file: "fovea.yaml"), line: line) { error in
            guard case .invalidValue(let file, let actualKey, let reason) = error as? ConfigurationError else {
                return XCTFail("expected invalidValue, got \(error)", line: line)
            }
            XCTAssertEqual(file, "fovea.yaml", line: line)
            XCTAssertEqual(actualKey, key, line: line)
            XCTAssertTrue(reason.contains(fragment), "'\(reason)' should mention '\(fragment)'", line: line)
        }
    }
}
