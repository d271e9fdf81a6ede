import CNativeKernels

/// An element-wise operation between a channel-blocked activation and a
/// per-channel operand (`x[N,C,H,W] ∘ s[N or 1,C,1,1]`, the
/// squeeze-and-excitation gate multiply) computed by `CNativeKernels`'
/// kernel: oneDNN 2.6 has only its reference kernel for a binary operation
/// on nChw8c on an AVX-512 CPU, the layout RegNet's 8-channel groups run in
/// (BENCHMARKS.md, "The AVX-512 host, 2026-12-08").
struct NativeChannelBinary {
    let shape: fovea_channel_binary_shape

    /// Nil unless the kernel computes `function` on this CPU for a source of
    /// `sourceShape` in blocks of `block` channels (8 or 16) and an operand
    /// of `operandShape`.
    init?(_ function: ElementwiseBinary.Function, sourceShape: [Int], operandShape: [Int], block: Int) {
        guard NativeConvolution.isSupported, sourceShape.count == 4, operandShape.count == 4,
              operandShape[1] == sourceShape[1], operandShape[2] == 1, operandShape[3] == 1,
              sourceShape.reduce(1, *) <= Int(Int32.max) else { return nil }
        let operation: fovea_binary_operation
        switch function {
        case .add: operation = FOVEA_BINARY_ADD
        case .subtract: operation = FOVEA_BINARY_SUBTRACT
        case .multiply: operation = FOVEA_BINARY_MULTIPLY
        case .divide: operation = FOVEA_BINARY_DIVIDE
        }
        var shape = fovea_channel_binary_shape(
            batch: Int32(sourceShape[0]), block: Int32(block), channels: Int32(sourceShape[1]),
            pixels: Int32(sourceShape[2] * sourceShape[3]), operandBatch: Int32(operandShape[0]),
            operation: Int32(operation.rawValue))
        guard fovea_channel_binary_accepts(&shape) != 0 else { return nil }
        self.shape = shape
    }

    /// Computes `destination` (the source's block layout) from `source` and
    /// the plain `operand`.
    func run(source: UnsafePointer<Float>, operand: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>, threads: Int) {
        withUnsafePointer(to: shape) { fovea_channel_binary_run($0, source, operand, destination, Int32(threads)) }
    }
}
