import CNativeKernels

/// A fully connected layer for one image computed by `CNativeKernels`'
/// matrix-vector kernel instead of oneDNN, whose batch-1 kernels streamed
/// AlexNet's weights at about 60 % of the rate memory delivers
/// (BENCHMARKS.md, "The AVX-512 host, 2026-12-08"). It reads the weights in
/// the layout oneDNN chose for them, so every plan of a model shares one copy.
struct NativeInnerProduct {
    enum WeightsLayout: Equatable {
        /// Row-major outputs × inputs.
        case rows
        /// oneDNN's AB16b16a, AB16b32a or AB16b64a: blocks of 16, 32 or 64 outputs.
        case blocks(outputs: Int)
    }

    let shape: fovea_gemv_shape

    /// Nil unless the kernel computes a layer of `outputs` × `inputs` with
    /// these post-ops (none or a ReLU) on this CPU.
    init?(outputs: Int, inputs: Int, layout: WeightsLayout, postOps: [PostOp]) {
        guard NativeConvolution.isSupported, postOps.isEmpty || postOps == [.activation(.relu)],
              outputs <= Int(Int32.max), inputs <= Int(Int32.max) else { return nil }
        let blockOutputs: Int
        switch layout {
        case .rows: blockOutputs = 0
        case .blocks(let width): blockOutputs = width
        }
        var shape = fovea_gemv_shape(outputs: Int32(outputs), inputs: Int32(inputs), blockOutputs: Int32(blockOutputs),
                                     relu: postOps.isEmpty ? 0 : 1)
        guard fovea_gemv_accepts(&shape) != 0 else { return nil }
        self.shape = shape
    }

    /// `destination` = weights · `source` + `bias`, then the ReLU if any.
    func run(weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, source: UnsafePointer<Float>,
             destination: UnsafeMutablePointer<Float>, threads: Int) {
        withUnsafePointer(to: shape) { fovea_gemv_run($0, weights, bias, source, destination, Int32(threads)) }
    }
}
