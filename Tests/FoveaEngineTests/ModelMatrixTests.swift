import FoveaEngine
import XCTest

/// Every model of the support matrix, exported from PyTorch with random
/// weights and non-trivial BatchNorm statistics, matches onnxruntime at
/// batch sizes 1 and 3 and runs no reference kernel at batch 1 or 8.
final class ModelMatrixTests: XCTestCase {
    private func check(_ name: String) throws { try assertMatchesOnnxRuntime(model: name) }

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
