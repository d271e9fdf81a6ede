import FoveaEngine
import XCTest

/// 3×3 convolutions run on Fovea's own AVX2 kernels where oneDNN 2.6's
/// direct ones are weak (Winograd F(4×4, 3×3) and F(2×2, 3×3); a
/// pixel-blocked direct kernel for the smallest images), with
/// `--convolution native` and, on CPUs without AVX-512, by default.
/// They change results by rounding only, so every model keeps the engine's
/// accuracy contract.
final class NativeConvolutionTests: XCTestCase {
    private func engine(_ name: String, _ algorithm: ConvolutionAlgorithm = .native) throws -> (Engine, String) {
        let path = try PythonTools.exportedModel(name)
        return (try Engine(model: try Model.load(path: path), convolutionAlgorithm: algorithm), path)
    }

    private var available: Bool { ConvolutionAlgorithm.nativeKernelsAvailable }

    /// Winograd F(4×4) with padding 0 and 2, partial edge tiles, no bias,
    /// residual sum + ReLU, ReLU6 and LeakyReLU; F(2×2) on an odd-sized
    /// image; the direct kernel at stride 1 (with a residual) and stride 2;
    /// oneDNN primitives in between: all match onnxruntime at batch 1 and 3.
    func testKernelEdgeCasesMatchOnnxRuntime() throws {
        let (engine, path) = try engine("conv3x3_cases")
        for batch in [1, 3] {
            let reference = try PythonTools.reference(model: path, name: "conv3x3_cases", batch: batch)
            let outputs = try engine.plan(batchSize: batch).run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatches(outputs[0], try loadTensors(in: reference, prefix: "output")[0], "conv3x3_cases batch \(batch)")
            XCTAssertEqual(try engine.plan(batchSize: batch).nativeConvolutions,
                           available ? NativeConvolutionCounts(winograd4x4: 6, winograd2x2: 1, direct: 2) : NativeConvolutionCounts(),
                           "every 3×3 convolution except the 3-channel stem, at batch \(batch)")
        }
    }

    /// ResNet-18 on the native kernels agrees with oneDNN alone; each
    /// convolution keeps its kernel at every batch size, so no weight is held
    /// in two forms.
    func testResNet18AgreesWithOneDNN() throws {
        let (native, _) = try engine("resnet18")
        let (oneDNN, _) = try engine("resnet18", .oneDNN)
        let input = Tensor(shape: [1, 3, 224, 224], floats: (0..<(3 * 224 * 224)).map { Float(sin(Double($0) * 0.37)) })
        let expected = try oneDNN.plan(batchSize: 1).run(inputs: [input])[0]
        assertMatches(try native.plan(batchSize: 1).run(inputs: [input])[0], expected, "resnet18, native kernels vs oneDNN")
        XCTAssertEqual(try oneDNN.plan(batchSize: 1).nativeConvolutions, NativeConvolutionCounts(), "onednn means oneDNN only")
        guard available else { return }
        let expectedCounts = NativeConvolutionCounts(winograd4x4: 10, winograd2x2: 3, direct: 1)
        XCTAssertEqual(try native.plan(batchSize: 1).nativeConvolutions, expectedCounts,
                       "F(4×4) for the stride-1 3×3 convolutions of the 56, 28 and 14 stages, F(2×2) for the 7×7 stage, direct for its stride-2 entry")
        XCTAssertEqual(try native.plan(batchSize: 4).nativeConvolutions, expectedCounts, "the same at batch 4")
    }
}
