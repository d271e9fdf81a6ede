import CNativeKernels

/// A 2-D max pooling computed by `CNativeKernels`' kernel instead of
/// oneDNN, on channel-blocked activations (nChw8c, what oneDNN's AVX2
/// kernels leave between layers, or nChw16c): oneDNN 2.6's AVX2 max
/// pooling took 4–5× onnxruntime's time after ResNet's and ShuffleNet's
/// first convolution (BENCHMARKS.md, "Max pooling").
struct NativeMaxPooling {
    let shape: fovea_max_pool_shape

    /// Nil unless `pool` is an undilated 2-D max pooling the kernel computes
    /// on this CPU, over channels in blocks of `block` (8 or 16).
    init?(_ pool: Kernel.Pooling, inputShape: [Int], outputShape: [Int], block: Int) {
        guard NativeConvolution.isSupported, case .max = pool.algorithm, inputShape.count == 4, outputShape.count == 4,
              pool.kernel.count == 2, pool.strides.count == 2, pool.padBegin.count == 2, pool.dilations.allSatisfy({ $0 == 1 }),
              inputShape.reduce(1, *) <= Int(Int32.max) else { return nil }
        var shape = fovea_max_pool_shape(
            batch: Int32(inputShape[0]), block: Int32(block), channelBlocks: Int32((inputShape[1] + block - 1) / block),
            height: Int32(inputShape[2]), width: Int32(inputShape[3]),
            outputHeight: Int32(outputShape[2]), outputWidth: Int32(outputShape[3]),
            kernelHeight: Int32(pool.kernel[0]), kernelWidth: Int32(pool.kernel[1]),
            strideHeight: Int32(pool.strides[0]), strideWidth: Int32(pool.strides[1]),
            padTop: Int32(pool.padBegin[0]), padLeft: Int32(pool.padBegin[1]))
        guard fovea_max_pool_accepts(&shape) != 0 else { return nil }
        self.shape = shape
    }

    /// Pools `source` into `destination` (in the block layout, not overlapping).
    func run(source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>, threads: Int) {
        withUnsafePointer(to: shape) { fovea_max_pool_run($0, source, destination, Int32(threads)) }
    }
}
