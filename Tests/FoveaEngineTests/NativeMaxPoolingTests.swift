@testable import FoveaEngine
import XCTest

/// Max poolings over channel blocks (nChw8c, nChw16c) run on Fovea's own
/// kernel, where oneDNN 2.6's AVX2 one took 4–5× onnxruntime's time: with
/// `--convolution native` and, on CPUs without AVX-512, by default. A
/// maximum is exact, so results equal onnxruntime's.
final class NativeMaxPoolingTests: XCTestCase {
    /// Padded and unpadded windows, an output size rounded up, square and
    /// oblong windows and strides, a partly padded channel block, batch 1
    /// and 3: the network's output matches onnxruntime, and where the
    /// default plan runs Fovea's kernels (no AVX-512) every max pooling is
    /// on Fovea's kernel.
    func testPoolingCasesMatchOnnxRuntime() throws {
        let path = try PythonTools.exportedModel("max_pool_cases")
        let engine = try Engine(model: try Model.load(path: path))
        for batch in [1, 3] {
            let reference = try PythonTools.reference(model: path, name: "max_pool_cases", batch: batch)
            let plan = try engine.plan(batchSize: batch)
            let outputs = try plan.run(inputs: try loadTensors(in: reference, prefix: "input"))
            assertMatches(outputs[0], try loadTensors(in: reference, prefix: "output")[0], "max_pool_cases batch \(batch)")
            let poolings = plan.steps.filter { $0.operation == "MaxPool" }
            XCTAssertEqual(poolings.count, 6, "batch \(batch): \(plan.steps)")
            if ConvolutionAlgorithm.nativeKernelsAvailable, !ConvolutionAlgorithm.automaticUsesOneDNNWinograd {
                XCTAssertTrue(poolings.allSatisfy { $0.implementation == "fovea:max_pool" }, "batch \(batch): \(poolings)")
            }
        }
    }

    /// The kernel on both block widths against a plain maximum: 20 channels
    /// (the last block partly padding, which stays zero), batch 2, a padded
    /// 3×3 window of stride 2 and an oblong 3×2 one of strides 1 and 2 whose
    /// last column of windows hangs over the edge.
    func testKernelOnEightAndSixteenChannelBlocksMatchesAPlainMaximum() throws {
        guard ConvolutionAlgorithm.nativeKernelsAvailable else { throw XCTSkip("Fovea's kernels need AVX2 and FMA, absent on this CPU") }
        let (batch, channels, height, width) = (2, 20, 9, 11)
        let input = (0..<(batch * channels * height * width)).map { Float(sin(Double($0) * 0.73)) }
        let cases: [(kernel: [Int], strides: [Int], pads: [Int], output: [Int])] = [
            ([3, 3], [2, 2], [1, 1], [5, 6]),
            ([3, 2], [1, 2], [1, 0], [9, 6]),
        ]
        for block in [8, 16] {
            for window in cases {
                let pool = Kernel.Pooling(source: "x", destination: "y", algorithm: .max, kernel: window.kernel, strides: window.strides,
                                          dilations: [1, 1], padBegin: window.pads, padEnd: window.pads)
                let (outputHeight, outputWidth) = (window.output[0], window.output[1])
                let native = try XCTUnwrap(NativeMaxPooling(pool, inputShape: [batch, channels, height, width],
                                                            outputShape: [batch, channels, outputHeight, outputWidth], block: block))
                let blocks = (channels + block - 1) / block
                func blocked(_ n: Int, _ c: Int, _ y: Int, _ x: Int, _ h: Int, _ w: Int) -> Int {
                    (((n * blocks + c / block) * h + y) * w + x) * block + c % block
                }
                var source = [Float](repeating: 0, count: batch * blocks * block * height * width)
                for n in 0..<batch { for c in 0..<channels { for y in 0..<height { for x in 0..<width {
                    source[blocked(n, c, y, x, height, width)] = input[((n * channels + c) * height + y) * width + x]
                } } } }
                var destination = [Float](repeating: .nan, count: batch * blocks * block * outputHeight * outputWidth)
                source.withUnsafeBufferPointer { from in
                    destination.withUnsafeMutableBufferPointer { to in
                        native.run(source: from.baseAddress!, destination: to.baseAddress!, threads: 2)
                    }
                }
                for n in 0..<batch { for c in 0..<(blocks * block) { for oy in 0..<outputHeight { for ox in 0..<outputWidth {
                    var expected: Float = 0
                    if c < channels {
                        expected = -.infinity
                        for y in (oy * window.strides[0] - window.pads[0])..<(oy * window.strides[0] - window.pads[0] + window.kernel[0])
                        where (0..<height).contains(y) {
                            for x in (ox * window.strides[1] - window.pads[1])..<(ox * window.strides[1] - window.pads[1] + window.kernel[1])
                            where (0..<width).contains(x) {
                                expected = max(expected, input[((n * channels + c) * height + y) * width + x])
                            }
                        }
                    }
                    XCTAssertEqual(destination[blocked(n, c, oy, ox, outputHeight, outputWidth)], expected,
                                   "block \(block), window \(window.kernel), image \(n), channel \(c), output (\(oy), \(ox))")
                } } } }
            }
        }
    }
}
