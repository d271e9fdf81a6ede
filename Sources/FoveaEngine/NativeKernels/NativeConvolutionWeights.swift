import CNativeKernels

/// 3×3 weights in a native kernel's form plus the bias, shared by every plan
/// of a model like oneDNN's reordered weights. Winograd's forms hold 36 or 16
/// values per channel pair (4× or 16/9 the direct weights), the direct
/// kernel's 9.
///
/// Immutable after init, hence `@unchecked Sendable`.
final class NativeConvolutionWeights: @unchecked Sendable {
    let packed: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>?
    /// Bytes held: packed weights and bias.
    let bytes: Int

    /// `weights` is OIHW (K × C × 3 × 3); `bias` has K values.
    init(_ kind: NativeConvolution.Kind, weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>?,
         channels: Int, outputChannels: Int) {
        precondition(weights.count == outputChannels * channels * 9, "3×3 weights of \(outputChannels)×\(channels)")
        let count: Int
        switch kind {
        case .winograd4x4: count = fovea_winograd_weights_count(FOVEA_WINOGRAD_F4, Int32(channels), Int32(outputChannels))
        case .winograd2x2: count = fovea_winograd_weights_count(FOVEA_WINOGRAD_F2, Int32(channels), Int32(outputChannels))
        case .direct: count = fovea_direct3x3_weights_count(Int32(channels), Int32(outputChannels))
        }
        bytes = (count + (bias == nil ? 0 : outputChannels)) * MemoryLayout<Float>.size
        // The FMA kernels load these with aligned 32-byte loads.
        packed = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.size, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
        switch kind {
        case .winograd4x4:
            fovea_winograd_transform_weights(FOVEA_WINOGRAD_F4, weights.baseAddress, Int32(channels), Int32(outputChannels), packed)
        case .winograd2x2:
            fovea_winograd_transform_weights(FOVEA_WINOGRAD_F2, weights.baseAddress, Int32(channels), Int32(outputChannels), packed)
        case .direct: fovea_direct3x3_pack_weights(weights.baseAddress, Int32(channels), Int32(outputChannels), packed)
        }
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
        UnsafeMutableRawPointer(packed).deallocate()
        bias?.deallocate()
    }
}
