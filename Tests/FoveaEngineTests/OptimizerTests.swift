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
}
