import FoveaEngine
import XCTest

/// The layer patterns oneDNN 2.6 sends to a reference kernel when a plan
/// takes its first choice of layouts (`Python/kernel_patterns.py`) run on
/// JIT kernels at batch 1 and 8, on every CPU, and match onnxruntime.
final class LayerPatternTests: XCTestCase {
    /// EfficientNet's gate: spatial mean, SiLU, Sigmoid; the blocked
    /// activation times the per-image, per-channel gate.
    func testSqueezeExcitationViaReduceMeanWithSigmoidGate() throws { try assertMatchesOnnxRuntime(model: "se_reduce_mean_sigmoid") }
    /// MobileNetV3's gate: global average pooling, ReLU, HardSigmoid; with
    /// a 5×5 depthwise convolution of stride 2 before it.
    func testSqueezeExcitationViaGlobalPoolWithHardSigmoidGate() throws {
        try assertMatchesOnnxRuntime(model: "se_global_pool_hard_sigmoid")
    }
    /// Grouped 3×3 (stride 1 and 2) and 1×1 convolutions narrower than any channel block.
    func testGroupedConvolutionsOf4ChannelsPerGroup() throws { try assertMatchesOnnxRuntime(model: "grouped_conv_width4") }
    /// RegNet's group width: narrower than the 16-channel blocks of the AVX-512 kernels.
    func testGroupedConvolutionsOf8ChannelsPerGroup() throws { try assertMatchesOnnxRuntime(model: "grouped_conv_width8") }
    func testGroupedConvolutionsOf16ChannelsPerGroup() throws { try assertMatchesOnnxRuntime(model: "grouped_conv_width16") }
    /// A multiple of 8 that 16 does not divide.
    func testGroupedConvolutionsOf24ChannelsPerGroup() throws { try assertMatchesOnnxRuntime(model: "grouped_conv_width24") }

    /// RegNetY's gate after groups of 8 channels, whose activations stay in
    /// 8-channel blocks even on AVX-512 (where oneDNN 2.6 multiplies those
    /// only on its reference kernel).
    func testSqueezeExcitationAfterGroupsOf8Channels() throws { try assertMatchesOnnxRuntime(model: "grouped_se_width8") }

    /// Pad nodes before an average pooling, a convolution and a max pooling.
    func testExplicitPaddingBeforePoolingAndConvolution() throws { try assertMatchesOnnxRuntime(model: "explicit_padding") }

    /// Every Pad becomes part of the window of the pooling or convolution
    /// reading it, or goes where it pads nothing.
    func testPadNodesFoldIntoTheWindowsReadingThem() throws {
        let model = try Model.load(path: try PythonTools.exportedModel("explicit_padding"))
        XCTAssertGreaterThanOrEqual(model.metadata.operatorHistogram["Pad"] ?? 0, 3, "the export spells padding as Pad nodes")
        XCTAssertFalse(model.graph.nodes.contains { $0.op is Pad }, "\(model.graph.nodes.map(\.op.kind))")
    }

    /// A channel split on a block boundary, a depthwise convolution and a
    /// max pooling, a concat: at batch 1 each half is read where it lies,
    /// in the blocked layout the convolution wrote, and written into its
    /// place in the concat, so nothing is converted or copied.
    func testChannelSplitOnABlockBoundaryIsReadInPlace() throws {
        try assertMatchesOnnxRuntime(model: "channel_split")
        let plan = try Engine(model: try Model.load(path: try PythonTools.exportedModel("channel_split"))).plan(batchSize: 1)
        XCTAssertEqual(plan.reorders, 0, "\(plan.steps.filter(\.isReorder))")
        XCTAssertFalse(plan.steps.contains { $0.operation == "Concat" })
    }

    /// Split, a convolution per part, Concat, BatchNorm, SiLU — pointwise
    /// parts of 20 channels, depthwise parts of 3×3, 5×5 and 11×11
    /// kernels — matches onnxruntime.
    func testMixedConvolutions() throws { try assertMatchesOnnxRuntime(model: "mixed_convolutions") }

    /// Each mixed convolution is one convolution with the BatchNorm folded
    /// and the SiLU fused, on a JIT kernel at batch 1 and 8: the pointwise
    /// one (two groups of 20 channels, which no JIT kernel takes) as the
    /// dense convolution, the depthwise one (padding 5, more than oneDNN's
    /// AVX2 kernel takes) on a copy of its input inside a zero border —
    /// where it had run on im2col and GEMM.
    func testMixedConvolutionsBecomeOneConvolutionEachOnJITKernels() throws {
        let model = try Model.load(path: try PythonTools.exportedModel("mixed_convolutions"))
        let kinds = model.graph.nodes.map(\.op.kind)
        XCTAssertEqual(kinds.filter { $0 != "Conv" }, ["ReduceMean", "Gemm"], "\(kinds)")
        let engine = try Engine(model: model)
        for batch in [1, 8] {
            let steps = try engine.plan(batchSize: batch).steps
            let convolutions = steps.filter { $0.operation.hasPrefix("Conv") }
            XCTAssertEqual(convolutions.count, 3, "batch \(batch): \(steps)")
            XCTAssertFalse(convolutions.contains { $0.implementation.contains("gemm") || $0.isReference }, "batch \(batch): \(convolutions)")
        }
    }

    /// AlexNet's first convolution (11×11, stride 4, padding 2, 3 channels),
    /// which oneDNN 2.6 runs on im2col and GEMM on AVX2 CPUs, runs on a JIT
    /// or Fovea kernel at batch 1 and 8, over a rearranged or padded copy
    /// of the image. (The zoo test checks its numbers.)
    func testAlexNetsFirstConvolutionRunsOnAFastKernel() throws {
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("alexnet")))
        for batch in [1, 8] {
            let steps = try engine.plan(batchSize: batch).steps.filter { $0.node == "/features/features.0/Conv" }
            XCTAssertTrue(steps.contains { $0.operation == "Conv" }, "batch \(batch): \(steps)")
            XCTAssertFalse(steps.contains { $0.operation == "Conv" && $0.implementation.contains("gemm") }, "batch \(batch): \(steps)")
        }
    }

    /// GhostNet's module: a concat whose second half starts inside a
    /// channel block matches onnxruntime.
    func testGhostModule() throws { try assertMatchesOnnxRuntime(model: "ghost_module") }

    /// ShuffleNet v1's unit (grouped 1×1 convolutions, a channel shuffle,
    /// a depthwise convolution, the shortcut) matches onnxruntime.
    func testShuffleNetV1Unit() throws { try assertMatchesOnnxRuntime(model: "shufflenet_v1_unit") }

    /// Its grouped 1×1 convolutions run on oneDNN's pointwise kernels at
    /// batch 1 and 8 on every CPU — those whose groups are whole channel
    /// blocks as one convolution per group and image where oneDNN's own
    /// pointwise kernel takes no groups (AVX2) — and the one of 6 input
    /// channels per group not on im2col and GEMM.
    func testGroupedPointwiseConvolutionsRunOnPointwiseKernels() throws {
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("shufflenet_v1_unit")))
        for batch in [1, 8] {
            let steps = try engine.plan(batchSize: batch).steps
            func convolutions(_ layer: String) -> [PlanStep] {
                steps.filter { $0.node.hasPrefix("/\(layer)/") && $0.operation.hasPrefix("Conv") }
            }
            for layer in ["compress", "project"] {
                XCTAssertFalse(convolutions(layer).isEmpty, "batch \(batch): \(steps)")
                XCTAssertTrue(convolutions(layer).allSatisfy { $0.implementation.contains("1x1") }, "batch \(batch): \(convolutions(layer))")
            }
            XCTAssertFalse(convolutions("expand").isEmpty, "batch \(batch): \(steps)")
            XCTAssertFalse(convolutions("expand").contains { $0.implementation.contains("gemm") || $0.isReference },
                           "batch \(batch): \(convolutions("expand"))")
        }
    }

    /// ShuffleNet v1 units whose groups are not whole channel blocks (34
    /// and 24 channels) match onnxruntime, and each channel shuffle is one
    /// copy in the layout of the grouped convolution before it. With
    /// oneDNN's AVX-512 kernels, whose blocks hold 16 channels, those
    /// grouped convolutions run in nhwc and nChw8c, and the depthwise
    /// convolution between two of them takes their layout: no conversion
    /// around it. (Without AVX-512 the 34-channel groups run on im2col and
    /// GEMM in plain layout, for which oneDNN has no JIT depthwise kernel;
    /// its nhwc kernels for those groups took 1.7× as long.)
    func testShufflesOffTheChannelBlocksAreOneCopyBetweenConvolutionsOfOneLayout() throws {
        try assertMatchesOnnxRuntime(model: "shufflenet_v1_off_block")
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("shufflenet_v1_off_block")))
        for batch in [1, 8] {
            let steps = try engine.plan(batchSize: batch).steps
            let shuffles = steps.filter { $0.node.contains("Reshape") }
            XCTAssertEqual(shuffles.map(\.operation), ["Transpose", "Transpose"], "batch \(batch): \(shuffles)")
            guard ConvolutionAlgorithm.automaticUsesOneDNNWinograd else { continue }
            let depthwise = steps.filter { $0.node.contains("/depthwise/") }
            XCTAssertEqual(depthwise.count, 2, "batch \(batch): \(depthwise)")
            XCTAssertFalse(depthwise.contains(where: \.isReorder), "batch \(batch): \(depthwise)")
        }
    }

    /// ShuffleNet v1 as the ONNX model zoo has it writes its shortcuts as
    /// two-input Sum nodes followed by a ReLU: each is one step — the sum
    /// post-op of the convolution before it, or, where that convolution
    /// runs on im2col and GEMM (4 groups of 34 or 68 channels), an add
    /// after it with the ReLU fused — never a Sum and a ReLU of their own.
    /// The ReLUs left are the three after a stage's concat.
    func testShuffleNetV1ShortcutsAreOneStepWithTheirReLU() throws {
        let path = try PythonTools.onnxTestData().appendingPathComponent("light/light_shufflenet.onnx").path
        let model = try Model.load(path: path)
        XCTAssertFalse(model.graph.nodes.contains { $0.op is Sum }, "\(model.graph.nodes.map(\.op.kind))")
        let steps = try Engine(model: model).plan(batchSize: 1).steps
        XCTAssertFalse(steps.contains { $0.operation == "Sum" }, "\(steps)")
        XCTAssertEqual(steps.filter { $0.operation == "Relu" }.count, 3, "\(steps.filter { $0.operation == "Relu" })")
        let shortcut = steps.filter { $0.node == "n25" && !$0.isReorder }
        let onGEMM = shortcut.first?.implementation.contains("gemm") == true
        XCTAssertEqual(shortcut.map(\.operation).last, onGEMM ? "Add" : shortcut.first?.operation, "\(shortcut)")
        XCTAssertEqual(shortcut.count, onGEMM ? 2 : 1, "\(shortcut)")
    }

    /// Where that concat cannot run in the layout its halves have (their
    /// second starts inside a channel block), each half is copied straight
    /// into its part of the result — at most one step per half, reported
    /// as the Concat — not first converted to a layout the concat
    /// primitive takes (two conversions and a copy).
    func testConcatOffTheChannelBlocksCopiesEachHalfOnce() throws {
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("ghost_module")))
        for batch in [1, 8] {
            let steps = try engine.plan(batchSize: batch).steps.filter { $0.node == "/Concat" }
            XCTAssertTrue((1...2).contains(steps.count) && steps.allSatisfy { $0.operation == "Concat" }, "batch \(batch): \(steps)")
        }
    }

    /// ParNet's stem reads the image in three branches; the two poolings
    /// want it in the same channel-blocked layout, and get one converted
    /// copy between them, not one each. (The zoo test checks its numbers.)
    func testAnActivationIsConvertedToALayoutOnce() throws {
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("parnet_s")))
        let steps = try engine.plan(batchSize: 8).steps
        let imageConversions = steps.filter { $0.isReorder && $0.shapes.hasPrefix("8×3×224×224 →") }
        XCTAssertLessThanOrEqual(imageConversions.count, 1, "\(imageConversions)")
    }

    /// ShuffleNet v2 splits the channels of a batch in two, one half for a
    /// convolution, the other for the next shuffle: both read the half
    /// where it lies, so its Slice nodes compute nothing of their own at
    /// batch 8. (The zoo test checks the numbers at batch 3.)
    func testAChannelHalfOfABatchIsReadWhereItLies() throws {
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("shufflenet_v2_x0_5")))
        let slices = try engine.plan(batchSize: 8).steps.filter { $0.node.hasSuffix("/Slice") || $0.node.hasSuffix("/Slice_1") }
        XCTAssertEqual(slices, [], "\(slices)")
    }

    /// Mul and Add by [C,1,1] constants after a convolution, before a
    /// ReLU, and split across two nodes after pooling.
    func testPerChannelMulAndAddByConstants() throws { try assertMatchesOnnxRuntime(model: "channel_affine") }

    /// Every per-channel Mul and Add by a constant becomes part of a
    /// BatchNormalization, and the one after the stem convolution is folded
    /// into it: three affine maps of five nodes leave two nodes.
    func testPerChannelMulAndAddFoldIntoConvolutionOrOneBatchNormalization() throws {
        let model = try Model.load(path: try PythonTools.exportedModel("channel_affine"))
        let kinds = model.graph.nodes.map(\.op.kind)
        XCTAssertFalse(kinds.contains("Mul") || kinds.contains("Add"), "\(kinds)")
        XCTAssertEqual(kinds.count { $0 == "BatchNormalization" }, 2, "\(kinds)")
    }
}
