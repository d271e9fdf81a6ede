import CoreMetrics
import Prometheus
import XCTest
@testable import FoveaServe

final class MetricsExpositionTests: XCTestCase {
    private func exposition(_ record: (ServiceMetrics, ProcessMetricsSampler) -> Void) -> String {
        let factory = DocumentedPrometheusFactory()
        let metrics = ServiceMetrics(factory: factory)
        let sampler = ProcessMetricsSampler(factory: factory)
        record(metrics, sampler)
        return factory.registry.emitToString()
    }

    func testEveryCatalogueMetricCarriesHelpAndPassesPromtool() throws {
        let text = exposition { metrics, sampler in
            metrics.requestStarted()
            metrics.requestFinished(route: "/classify", method: "POST", status: 200, duration: .milliseconds(12))
            metrics.requestStarted()
            metrics.batchRan(model: "dogs", size: 3, duration: .milliseconds(7))
            metrics.imageDecoded(model: "dogs", wait: .milliseconds(3), duration: .milliseconds(15))
            metrics.queueWaited(model: "dogs", duration: .microseconds(800))
            metrics.queue(model: "dogs", depth: 2, capacity: 64)
            metrics.modelsChanged(from: [:], to: ["dogs": true, "cats": false])
            metrics.modelSwapped()
            sampler.sample()
        }
        for entry in MetricCatalogue.all {
            XCTAssertTrue(text.contains("# HELP \(entry.name) "), "\(entry.name) lacks help text:\n\(text)")
        }
        XCTAssertTrue(text.contains(#"fovea_requests_total{route="/classify",method="POST",status="200"} 1"#), text)
        XCTAssertTrue(text.contains(#"fovea_batch_size_bucket{model="dogs",le="3.0"} 1"#), text)
        XCTAssertTrue(text.contains(#"fovea_images_total{model="dogs"} 3"#), text)
        XCTAssertTrue(text.contains(#"fovea_decode_wait_seconds_bucket{model="dogs",le="0.005"} 1"#), text)
        XCTAssertTrue(text.contains(#"fovea_decode_duration_seconds_bucket{model="dogs",le="0.01"} 0"#), text)
        XCTAssertTrue(text.contains(#"fovea_decode_duration_seconds_bucket{model="dogs",le="0.025"} 1"#), text)
        XCTAssertTrue(text.contains("fovea_inflight_requests 1"), text)

        let promtool = try requireTool("promtool")
        let result = try runTool(promtool, ["check", "metrics"], stdin: Data(text.utf8))
        XCTAssertEqual(result.status, 0, "promtool check metrics:\n\(result.output)\n--- exposition ---\n\(text)")
    }

    func testProcessMetricsAreRealReadings() throws {
        let text = exposition { _, sampler in sampler.sample() }
        func value(_ name: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix("\(name) ") }
                .flatMap { Double($0.split(separator: " ")[1]) }
        }
        XCTAssertGreaterThan(try XCTUnwrap(value("process_resident_memory_bytes")), 1_000_000)
        XCTAssertGreaterThan(try XCTUnwrap(value("process_open_fds")), 2)
        let start = try XCTUnwrap(value("process_start_time_seconds"))
        XCTAssertEqual(start, Date().timeIntervalSince1970, accuracy: 24 * 3600, "started within the last day")
        XCTAssertLessThanOrEqual(start, Date().timeIntervalSince1970)
    }

    func testASwapMovesTheActiveMarkerInsteadOfDuplicatingIt() {
        let text = exposition { metrics, _ in
            metrics.modelsChanged(from: [:], to: ["a": true, "b": false])
            metrics.modelsChanged(from: ["a": true, "b": false], to: ["a": false, "b": true])
        }
        XCTAssertTrue(text.contains(#"fovea_model_info{model="a",active="false"} 1"#), text)
        XCTAssertTrue(text.contains(#"fovea_model_info{model="b",active="true"} 1"#), text)
        XCTAssertFalse(text.contains(#"fovea_model_info{model="a",active="true"}"#), text)
        XCTAssertFalse(text.contains(#"fovea_model_info{model="b",active="false"}"#), text)
    }
}
