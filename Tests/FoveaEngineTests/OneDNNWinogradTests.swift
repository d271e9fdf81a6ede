import FoveaEngine
import XCTest

/// On CPUs with AVX-512 the default algorithm computes stride-1 3×3
/// convolutions with oneDNN's Winograd kernels and keeps activations in
/// nChw16c around them; elsewhere it falls back to the native kernels.
/// Either way results change by rounding only.
final class OneDNNWinogradTests: XCTestCase {
    private func engine(_ name: String, _ algorithm: ConvolutionAlgorithm) throws -> (Engine, String) {
        let path = try PythonTools.exportedModel(name)
        return (try Engine(model: try Model.load(path: path), convolutionAlgorithm: algorithm), path)
    }

    /// ResNet-18 by default agrees with oneDNN's direct convolutions, and
    /// uses Winograd for exactly its stride-1 3×3 convolutions when the CPU
    /// has AVX-512 (the native kernels when it has not).
    func testResNet18DefaultAgreesWithDirectConvolution() throws {
        let (automatic, _) = try engine("resnet18", .automatic)
        let (direct, _) = try engine("resnet18", .oneDNN)
        let input = Tensor(shape: [2, 3, 224, 224], floats: (0..<(2 * 3 * 224 * 224)).map { Float(cos(Double($0) * 0.29)) })
        let expected = try direct.plan(batchSize: 2).run(inputs: [input])[0]
        let plan = try automatic.plan(batchSize: 2)
        assertMatches(try plan.run(inputs: [input])[0], expected, "resnet18, default kernels vs oneDNN direct")
        XCTAssertEqual(try direct.plan(batchSize: 2).oneDNNWinogradConvolutions, 0, "onednn means direct convolutions only")
        if ConvolutionAlgorithm.automaticUsesOneDNNWinograd {
            XCTAssertEqual(plan.oneDNNWinogradConvolutions, 13, "every stride-1 3×3 convolution (4 + 3 + 3 + 3 per stage)")
            XCTAssertEqual(plan.nativeConvolutions, NativeConvolutionCounts(), "no native kernel beside oneDNN's Winograd")
        } else {
            XCTAssertEqual(plan.oneDNNWinogradConvolutions, 0, "oneDNN 2.6 has Winograd only for AVX-512")
        }
    }

    /// With blocked activations, convolution chains run without layout
    /// conversions: MobileNetV2's and MNASNet's 24- and 40-channel stages
    /// take a padded blocked layout, and the first convolution reads the
    /// plain input and writes blocked.
    func testConvolutionChainsRunWithoutReorders() throws {
        guard ConvolutionAlgorithm.automaticUsesOneDNNWinograd else {
            throw XCTSkip("blocked activations are fixed only with oneDNN's AVX-512 kernels")
        }
        for name in ["mobilenet_v2", "mnasnet1_0", "resnet18"] {
            let (engine, _) = try engine(name, .automatic)
            XCTAssertEqual(try engine.plan(batchSize: 2).reorders, 0, name)
        }
    }

    /// The 3×3 edge cases (padding 0 and 2, partial tiles, no bias, residual
    /// sum + ReLU, ReLU6, LeakyReLU, odd sizes, stride 2) through the default
    /// kernels match onnxruntime at batch 1 and 3.
    func testEdgeCasesMatchOnnxRuntime() throws {
        let (engine, path) = try engine("conv3x3_cases", .automatic)
        for batch in [1, 3] {
            let reference = try PythonTools.reference(model: path, name: "conv3x3_cases", batch: batch)
            let outputs = try engine.plan(batchSize: batch).run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatches(outputs[0], try loadTensors(in: reference, prefix: "output")[0], "conv3x3_cases batch \(batch), default kernels")
        }
    }
}
