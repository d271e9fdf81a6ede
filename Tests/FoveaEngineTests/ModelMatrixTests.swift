import FoveaEngine
import XCTest

/// Every model of the support matrix, exported from PyTorch with random
/// weights and non-trivial BatchNorm statistics, matches onnxruntime at
/// batch sizes 1 and 3.
final class ModelMatrixTests: XCTestCase {
    private func check(_ name: String) throws {
        let path = try PythonTools.exportedModel(name)
        let engine = try Engine(model: try Model.load(path: path))
        for batch in [1, 3] {
            let reference = try PythonTools.reference(model: path, name: name, batch: batch)
            let inputs = try loadTensors(in: reference, prefix: "input")
            let expected = try loadTensors(in: reference, prefix: "output")
            let plan = try engine.plan(batchSize: batch)
            if inputs.count == 1 {
                // A run reading another caller buffer in place must not leave the plan bound to it.
                let zeros = [Float](repeating: 0, count: inputs[0].elementCount)
                try withExtendedLifetime(zeros) {
                    _ = try zeros.withUnsafeBufferPointer { try plan.run(input: $0) }
                    compare(try plan.run(inputs: inputs), expected, "\(name) batch \(batch)")
                }
                let inPlace = try inputs[0].floats.withUnsafeBufferPointer { try plan.run(input: $0) }
                compare(inPlace, expected, "\(name) batch \(batch) (input read in place)")
            } else {
                compare(try plan.run(inputs: inputs), expected, "\(name) batch \(batch)")
            }
        }
    }

    private func compare(_ outputs: [Tensor], _ expected: [Tensor], _ context: String) {
        XCTAssertEqual(outputs.count, expected.count, "\(context): output count")
        for (index, (output, reference)) in zip(outputs, expected).enumerated() {
            assertMatches(output, reference, "\(context) output \(index)")
        }
    }

    func testAlexNet() throws { try check("alexnet") }
    func testSqueezeNet10() throws { try check("squeezenet1_0") }
    func testSqueezeNet11() throws { try check("squeezenet1_1") }
    func testShuffleNetV2x05() throws { try check("shufflenet_v2_x0_5") }
    func testShuffleNetV2x10() throws { try check("shufflenet_v2_x1_0") }
    func testMobileNetV2() throws { try check("mobilenet_v2") }
    func testMobileNetV3Large() throws { try check("mobilenet_v3_large") }
    func testMobileNetV3Small() throws { try check("mobilenet_v3_small") }
    func testResNet18() throws { try check("resnet18") }
    func testResNet50() throws { try check("resnet50") }
    func testWideResNet50() throws { try check("wide_resnet50_2") }
    func testMNASNet05() throws { try check("mnasnet0_5") }
    func testMNASNet10() throws { try check("mnasnet1_0") }
    func testMobileNetV1() throws { try check("mobilenet_v1") }
    func testParNetS() throws { try check("parnet_s") }
    func testResNet18TransferLearningHead() throws { try check("resnet18_transfer") }
    /// Concats assembled in place (with a pooling source), off the channel-block grid, and followed by a channel shuffle.
    func testConcatBranches() throws { try check("concat_branches") }
}
