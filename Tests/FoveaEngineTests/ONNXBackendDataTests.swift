import FoveaEngine
import Foundation
import XCTest

/// The ONNX project's own test models and operator cases, as shipped in the
/// `onnx` pip package.
final class ONNXBackendDataTests: XCTestCase {
    /// The "light" model zoo copies (constant weights) match onnxruntime
    /// and run no reference kernel.
    func testLightModelsMatchOnnxRuntime() throws {
        let directory = try PythonTools.onnxTestData().appendingPathComponent("light")
        let names = ["bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50", "shufflenet",
                     "squeezenet", "vgg19", "zfnet512"]
        for name in names {
            let path = directory.appendingPathComponent("light_\(name).onnx").path
            let reference = try PythonTools.reference(model: path, name: "light_\(name)", batch: 1)
            let engine = try Engine(model: try Model.load(path: path))
            let outputs = try engine.plan(batchSize: 1).run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatch(outputs, try loadTensors(in: reference, prefix: "output"), "light_\(name)")
            try assertNoReferenceKernels(engine, "light_\(name)")
        }
    }

    /// Operator cases converted from PyTorch: every case whose operators are
    /// supported loads and reproduces its stored outputs; 1-D and 3-D
    /// variants are included where oneDNN runs them.
    func testPyTorchConvertedCasesWithSupportedOperators() throws {
        let root = try PythonTools.onnxTestData().appendingPathComponent("pytorch-converted")
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        var passed: [String] = [], unsupported: [String] = []
        for name in cases {
            let directory = root.appendingPathComponent(name)
            let model: Model
            do {
                model = try Model.load(path: directory.appendingPathComponent("model.onnx").path)
            } catch ModelError.unsupportedOperator {
                unsupported.append(name)
                continue
            } catch ModelError.invalidAttribute(_, _, let attribute, _) where attribute == "mode" {
                unsupported.append(name)
                continue
            } catch ModelError.invalidInput(_, let reason) where reason.contains("element type") {
                unsupported.append(name)
                continue
            }
            let data = directory.appendingPathComponent("test_data_set_0")
            let inputs = try loadTensors(in: data, prefix: "input")
            let expected = try loadTensors(in: data, prefix: "output")
            let batch = inputs.first?.shape.first ?? 1
            let outputs = try Engine(model: model, threads: 1).plan(batchSize: batch).run(inputs: inputs)
            for (index, (output, reference)) in zip(outputs, expected).enumerated() {
                assertMatches(output, reference, "\(name) output \(index)")
            }
            passed.append(name)
        }
        print("pytorch-converted: \(passed.count) of \(cases.count) cases run and were checked; unsupported operators or input types in \(unsupported.count): \(unsupported.joined(separator: ", "))")
        XCTAssertGreaterThanOrEqual(passed.count, 50)
    }
}
