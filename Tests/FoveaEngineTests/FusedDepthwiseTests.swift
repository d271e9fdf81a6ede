import FoveaEngine
import XCTest

/// A MobileNet block's 1×1 expansion and the 3×3 depthwise convolution
/// reading it run as one oneDNN primitive where the expanded activation is
/// too large to stay in cache, and results change by rounding only.
final class FusedDepthwiseTests: XCTestCase {
    private func engine(_ name: String) throws -> (Engine, String) {
        let path = try PythonTools.exportedModel(name)
        return (try Engine(model: try Model.load(path: path)), path)
    }

    /// MobileNetV2 at 224×224 expands to 96 channels at 112×112 and to 144
    /// at 56×56 (twice): at batch 8 those three intermediates take 38.5 and
    /// 14.5 MB, at batch 1 at most 4.8 MB, and from 28×28 on none is large.
    func testOnlyExpansionsThatOutgrowTheCacheFuse() throws {
        let (engine, _) = try engine("mobilenet_v2")
        XCTAssertEqual(try engine.plan(batchSize: 1).fusedDepthwiseConvolutions, 0)
        XCTAssertEqual(try engine.plan(batchSize: 3).fusedDepthwiseConvolutions, 1, "only the 112×112 expansion at batch 3")
        let batch8 = try engine.plan(batchSize: 8)
        XCTAssertEqual(batch8.fusedDepthwiseConvolutions, 3)
        if ConvolutionAlgorithm.automaticUsesOneDNNWinograd {
            XCTAssertEqual(batch8.reorders, 0, "the fused pair writes the layout the next 1×1 convolution reads")
        }
    }

    /// A pair without biases and without an activation after the depthwise
    /// convolution, and one with biases, HardSwish and LeakyReLU, fused at
    /// batch 1 and 3.
    func testPairsWithAndWithoutBiasesMatchOnnxRuntime() throws {
        let (engine, path) = try engine("depthwise_pairs")
        for batch in [1, 3] {
            let plan = try engine.plan(batchSize: batch)
            XCTAssertEqual(plan.fusedDepthwiseConvolutions, 2, "batch \(batch)")
            let reference = try PythonTools.reference(model: path, name: "depthwise_pairs", batch: batch)
            let outputs = try plan.run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatches(outputs[0], try loadTensors(in: reference, prefix: "output")[0], "depthwise_pairs batch \(batch)")
        }
    }

    /// Stride 1 and 2, ReLU6 (MobileNetV1, V2) and ReLU (MNASNet) on either
    /// side of the depthwise convolution, and the shipped dog-breeds model,
    /// converted from Keras, whose stride-2 depthwise layers pad only after
    /// the last row and column.
    func testFusedPlansMatchOnnxRuntime() throws {
        let dogBreeds = PythonTools.repositoryRoot.appendingPathComponent("Config/models/dog-breeds/model.onnx").path
        let models = try ["mobilenet_v2", "mobilenet_v1", "mnasnet1_0"].map { ($0, try PythonTools.exportedModel($0)) }
            + [("dog-breeds", dogBreeds)]
        for (name, path) in models {
            let engine = try Engine(model: try Model.load(path: path))
            let plan = try engine.plan(batchSize: 8)
            XCTAssertGreaterThan(plan.fusedDepthwiseConvolutions, 0, name)
            let reference = try PythonTools.reference(model: path, name: name, batch: 8)
            let outputs = try plan.run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatches(outputs[0], try loadTensors(in: reference, prefix: "output")[0], "\(name) batch 8, fused depthwise")
        }
    }
}
