import CNativeKernels
@testable import FoveaEngine
import XCTest

/// A fully connected layer for one image runs on Fovea's matrix-vector
/// kernel, reading the weights in the layout oneDNN holds them in (row-major
/// or its 64-output blocks), so that batch-1 and batch-8 plans share them.
final class NativeInnerProductTests: XCTestCase {
    /// Every layout against plain arithmetic: 70 outputs (a partial block
    /// of each width, rows not a multiple of four), 37 inputs (not a whole
    /// vector), with and without bias and ReLU.
    func testKernelOnEveryWeightLayoutMatchesPlainArithmetic() throws {
        guard ConvolutionAlgorithm.nativeKernelsAvailable else { throw XCTSkip("Fovea's kernels need AVX2 and FMA, absent on this CPU") }
        let (outputs, inputs) = (70, 37)
        let weights = (0..<(outputs * inputs)).map { Float(sin(Double($0) * 0.37)) }
        let bias = (0..<outputs).map { Float(cos(Double($0) * 0.9)) }
        let source = (0..<inputs).map { Float(sin(Double($0) * 1.3) + 0.2) }
        let paddedInputs = (inputs + 15) / 16 * 16
        func blocked(_ width: Int) -> [Float] {
            var packed = [Float](repeating: 0, count: (outputs + width - 1) / width * paddedInputs * width)
            for o in 0..<outputs { for k in 0..<inputs { packed[(o / width * paddedInputs + k) * width + o % width] = weights[o * inputs + k] } }
            return packed
        }
        let layouts: [(NativeInnerProduct.WeightsLayout, [Float])] = [(.rows, weights)] + [16, 32, 64].map { (.blocks(outputs: $0), blocked($0)) }
        for (layout, packed) in layouts {
            for (withBias, relu) in [(false, false), (true, false), (true, true)] {
                let product = try XCTUnwrap(NativeInnerProduct(outputs: outputs, inputs: inputs, layout: layout,
                                                               postOps: relu ? [.activation(.relu)] : []))
                var destination = [Float](repeating: .nan, count: outputs)
                packed.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        source.withUnsafeBufferPointer { x in
                            destination.withUnsafeMutableBufferPointer { y in
                                product.run(weights: w.baseAddress!, bias: withBias ? b.baseAddress : nil, source: x.baseAddress!,
                                            destination: y.baseAddress!, threads: 2)
                            }
                        }
                    }
                }
                for o in 0..<outputs {
                    var expected = (0..<inputs).reduce(0.0) { $0 + Double(weights[o * inputs + $1]) * Double(source[$1]) }
                    if withBias { expected += Double(bias[o]) }
                    if relu { expected = max(expected, 0) }
                    XCTAssertEqual(Double(destination[o]), expected, accuracy: 1e-5 * max(1, abs(expected)),
                                   "\(layout), bias \(withBias), relu \(relu), output \(o)")
                }
            }
        }
    }

    /// Post-ops other than a ReLU stay on oneDNN.
    func testRefusesOtherPostOps() {
        XCTAssertNil(NativeInnerProduct(outputs: 70, inputs: 37, layout: .rows, postOps: [.activation(.sigmoid)]))
        XCTAssertNil(NativeInnerProduct(outputs: 70, inputs: 37, layout: .rows, postOps: [.residualAdd]))
    }

    /// A classifier head of two fully connected layers (the first with its
    /// ReLU, 14 580 inputs) matches onnxruntime at batch 1 and 3, and at
    /// batch 1 both layers run on the kernel.
    func testClassifierHeadRunsOnTheKernelForOneImage() throws {
        try assertMatchesOnnxRuntime(model: "fully_connected_head")
        guard ConvolutionAlgorithm.nativeKernelsAvailable else { return }
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("fully_connected_head")))
        let products = try engine.plan(batchSize: 1).steps.filter { $0.operation == "Gemm" }
        XCTAssertEqual(products.map(\.implementation), ["fovea:gemv", "fovea:gemv"], "\(products)")
    }
}
