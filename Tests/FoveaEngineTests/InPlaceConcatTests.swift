import FoveaEngine
import XCTest

/// Concats whose inputs their producers write straight into place copy
/// nothing: a DenseNet block's features share one buffer, and each layer's
/// Concat of the features so far is a prefix of it.
final class InPlaceConcatTests: XCTestCase {
    private func concatSteps(_ path: String) throws -> [PlanStep] {
        try Engine(model: try Model.load(path: path)).plan(batchSize: 1).steps.filter { $0.operation == "Concat" }
    }

    /// PyTorch's DenseNet concatenates the list of every feature so far.
    func testPyTorchDenseNetBlocksCopyNoFeature() throws {
        let steps = try concatSteps(try PythonTools.exportedModel("timm_densenet121"))
        XCTAssertTrue(steps.isEmpty, "\(steps.count) concat copies, e.g. \(steps.prefix(3))")
    }

    /// Caffe2's concatenates the previous Concat and the new feature.
    func testCaffe2DenseNetBlocksCopyNoFeature() throws {
        let path = try PythonTools.onnxTestData().appendingPathComponent("light/light_densenet121.onnx").path
        let steps = try concatSteps(path)
        XCTAssertTrue(steps.isEmpty, "\(steps.count) concat copies, e.g. \(steps.prefix(3))")
    }
}
