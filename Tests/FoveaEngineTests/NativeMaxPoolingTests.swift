import FoveaEngine
import XCTest

/// Max poolings over 8-channel blocks run on Fovea's own kernel, where
/// oneDNN 2.6's AVX2 one took 4–5× onnxruntime's time: with
/// `--convolution native` (nChw8c activations) and, on CPUs without
/// AVX-512, by default. A maximum is exact, so results equal onnxruntime's.
final class NativeMaxPoolingTests: XCTestCase {
    /// Padded and unpadded windows, an output size rounded up, square and
    /// oblong windows and strides, a partly padded channel block, batch 1
    /// and 3: every max pooling on Fovea's kernel, and the network's output
    /// matches onnxruntime.
    func testPoolingCasesMatchOnnxRuntime() throws {
        let path = try PythonTools.exportedModel("max_pool_cases")
        let engine = try Engine(model: try Model.load(path: path), convolutionAlgorithm: .native)
        for batch in [1, 3] {
            let reference = try PythonTools.reference(model: path, name: "max_pool_cases", batch: batch)
            let plan = try engine.plan(batchSize: batch)
            let outputs = try plan.run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatches(outputs[0], try loadTensors(in: reference, prefix: "output")[0], "max_pool_cases batch \(batch)")
            let poolings = plan.steps.filter { $0.operation == "MaxPool" }
            XCTAssertEqual(poolings.count, 6, "batch \(batch): \(plan.steps)")
            if ConvolutionAlgorithm.nativeKernelsAvailable {
                XCTAssertTrue(poolings.allSatisfy { $0.implementation == "fovea:max_pool" }, "batch \(batch): \(poolings)")
            }
        }
    }
}
