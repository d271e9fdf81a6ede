import FoveaEngine
import XCTest

/// The classic CNN families users bring beyond the support matrix,
/// exported from PyTorch Image Models (`timm`, random weights, non-trivial
/// BatchNorm statistics, each at its default input size) as a user would:
/// each matches onnxruntime at batch 1 and 3 and runs no reference kernel
/// at batch 1 or 8.
final class TimmModelTests: XCTestCase {
    func testEfficientNetB0() throws { try assertMatchesOnnxRuntime(model: "timm_efficientnet_b0") }
    func testRegNetY400MF() throws { try assertMatchesOnnxRuntime(model: "timm_regnety_004") }
    func testRegNetX200MF() throws { try assertMatchesOnnxRuntime(model: "timm_regnetx_002") }
    func testMobileNetV3Large() throws { try assertMatchesOnnxRuntime(model: "timm_mobilenetv3_large_100") }
    func testGhostNet() throws { try assertMatchesOnnxRuntime(model: "timm_ghostnet_100") }
    func testMixNetS() throws { try assertMatchesOnnxRuntime(model: "timm_mixnet_s") }
    func testReXNet() throws { try assertMatchesOnnxRuntime(model: "timm_rexnet_100") }
    func testSEResNeXt26d() throws { try assertMatchesOnnxRuntime(model: "timm_seresnext26d_32x4d") }
    func testDenseNet121() throws { try assertMatchesOnnxRuntime(model: "timm_densenet121") }
    func testInceptionV3() throws { try assertMatchesOnnxRuntime(model: "timm_inception_v3") }
}
