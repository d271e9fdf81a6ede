import FoveaEngine
import XCTest

/// The standard optimizer leaves the hot paths of classic CNNs as fused
/// convolutions: what makes them fast is checked on the graph, not timed.
final class OptimizerTests: XCTestCase {
    func testResNetShortcutAddAndReluBecomeConvolutionPostOps() throws {
        let model = try Model.load(path: try PythonTools.exportedModel("resnet18"))
        let kinds = model.graph.nodes.map(\.op.kind)
        XCTAssertFalse(kinds.contains("Add"), "residual Add left unfused: \(kinds)")
        XCTAssertFalse(kinds.contains("Relu"), "Relu left unfused: \(kinds)")
        let residualConvolutions = model.graph.nodes.compactMap { $0.op as? Convolution }.filter { $0.postOps.contains(.residualAdd) }
        XCTAssertEqual(residualConvolutions.count, 8, "resnet18 has eight basic blocks, each ending in a shortcut sum")
        for conv in residualConvolutions {
            XCTAssertEqual(conv.postOps.last, .activation(.relu), "the block's Relu follows the sum")
        }
    }

    /// The Caffe2 ShuffleNet of the ONNX model zoo computes its weights and
    /// BatchNorm parameters with ConstantOfShape nodes: computed once at
    /// load, they are constants like any other, and every BatchNormalization
    /// folds into the convolution before it.
    func testComputedWeightsBecomeConstantsAndBatchNormFoldsIntoConvolutions() throws {
        let path = try PythonTools.onnxTestData().appendingPathComponent("light/light_shufflenet.onnx").path
        let model = try Model.load(path: path)
        XCTAssertEqual(model.metadata.operatorHistogram["BatchNormalization"], 49)
        let kinds = Set(model.graph.nodes.map(\.op.kind))
        XCTAssertFalse(kinds.contains("ConstantOfShape"), "\(kinds)")
        XCTAssertFalse(kinds.contains("BatchNormalization"), "\(kinds)")
    }
}
