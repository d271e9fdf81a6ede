import CConvolutionKernels

/// 3×3 weights transformed into the Winograd domain (36 values per channel
/// pair, 4× the direct weights) plus the bias, shared by every plan of a
/// model like oneDNN's reordered weights.
///
/// Immutable after init, hence `@unchecked Sendable`.
final class WinogradWeights: @unchecked Sendable {
    let transformed: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>?
    let byteCount: Int

    /// `weights` is OIHW (K × C × 3 × 3); `bias` has K values.
    init(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?, channels: Int, outputChannels: Int) {
        precondition(weights.count == outputChannels * channels * 9, "3×3 weights of \(outputChannels)×\(channels)")
        let count = fovea_winograd_weights_count(Int32(channels), Int32(outputChannels))
        byteCount = count * MemoryLayout<Float>.size
        // The FMA kernel loads these with aligned 32-byte loads.
        transformed = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64).bindMemory(to: Float.self, capacity: count)
        fovea_winograd_transform_weights(weights.baseAddress, Int32(channels), Int32(outputChannels), transformed)
        if let bias {
            precondition(bias.count == outputChannels, "one bias per output channel")
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: outputChannels)
            copy.initialize(from: bias.baseAddress!, count: outputChannels)
            self.bias = copy
        } else {
            self.bias = nil
        }
    }

    deinit {
        UnsafeMutableRawPointer(transformed).deallocate()
        bias?.deallocate()
    }
}
