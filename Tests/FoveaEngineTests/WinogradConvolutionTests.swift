import FoveaEngine
import XCTest

/// 3×3 stride-1 convolutions run with Winograd F(4×4, 3×3) where oneDNN has
/// only direct kernels (AVX2 CPUs). Winograd changes results by rounding
/// only, so every model keeps the engine's accuracy contract.
final class WinogradConvolutionTests: XCTestCase {
    private func engine(_ name: String, _ algorithm: ConvolutionAlgorithm = .automatic) throws -> (Engine, String) {
        let path = try PythonTools.exportedModel(name)
        return (try Engine(model: try Model.load(path: path), convolutionAlgorithm: algorithm), path)
    }

    /// Padding 0 and 2, partial edge tiles, no bias, residual sum + ReLU,
    /// ReLU6 and LeakyReLU epilogues, and a direct convolution between
    /// Winograd ones: all match onnxruntime at batch 1 and 3.
    func testKernelEdgeCasesMatchOnnxRuntime() throws {
        let (engine, path) = try engine("winograd_cases")
        for batch in [1, 3] {
            let reference = try PythonTools.reference(model: path, name: "winograd_cases", batch: batch)
            let outputs = try engine.plan(batchSize: batch).run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatches(outputs[0], try loadTensors(in: reference, prefix: "output")[0], "winograd_cases batch \(batch)")
        }
        let expected = ConvolutionAlgorithm.isWinogradAvailable ? 6 : 0
        XCTAssertEqual(try engine.plan(batchSize: 1).winogradConvolutionCount, expected,
                       "every 3×3 stride-1 convolution with 16 or more output tiles per image and a multiple of 8 input channels")
    }

    /// ResNet-18's 3×3 convolutions agree with oneDNN's direct ones. Its 7×7
    /// stage stays direct at every batch size, so no weight is held twice.
    func testResNet18AgreesWithDirectConvolution() throws {
        let (winograd, _) = try engine("resnet18")
        let (direct, _) = try engine("resnet18", .direct)
        let input = Tensor(shape: [1, 3, 224, 224], floats: (0..<(3 * 224 * 224)).map { Float(sin(Double($0) * 0.37)) })
        let expected = try direct.plan(batchSize: 1).run(inputs: [input])[0]
        assertMatches(try winograd.plan(batchSize: 1).run(inputs: [input])[0], expected, "resnet18, Winograd vs direct")
        XCTAssertEqual(try direct.plan(batchSize: 1).winogradConvolutionCount, 0, "direct means oneDNN only")
        guard ConvolutionAlgorithm.isWinogradAvailable else { return }
        XCTAssertEqual(try winograd.plan(batchSize: 1).winogradConvolutionCount, 10, "stride-1 3×3 convolutions of the 56, 28 and 14 stages")
        XCTAssertEqual(try winograd.plan(batchSize: 4).winogradConvolutionCount, 10, "the same convolutions at batch 4")
    }
}
