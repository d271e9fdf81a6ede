/// Final stage of the pipeline: turns resampled 0…255 values into the
/// model's float layout, written directly into the caller's batch slot.
///
/// Scale and normalisation collapse to one multiply-add per value:
/// `(v·s + o − mean) / std = v·(s/std) + (o − mean)/std`.
struct TensorWriter {
    let output: UnsafeMutablePointer<Float>
    let width: Int
    let height: Int
    /// Where RGB channel c goes: BGR models take channel 2 − c.
    let channelSlot: (Int, Int, Int)
    let multiplier: (Float, Float, Float)
    let offset: (Float, Float, Float)
    /// Element steps for (x, y, channel) in the output.
    let xStep: Int
    let yStep: Int
    let channelStep: Int

    init(output: UnsafeMutablePointer<Float>, spec: PreprocessSpec) {
        let (height, width) = spec.outputSize
        self.output = output
        self.width = width
        self.height = height
        channelSlot = spec.channelOrder == .rgb ? (0, 1, 2) : (2, 1, 0)
        let (s, o): (Float, Float) = switch spec.scale {
        case .unit: (1 / 255, 0)
        case .minusOneToOne: (1 / 127.5, -1)
        case .raw: (1, 0)
        }
        multiplier = (s / spec.std[0], s / spec.std[1], s / spec.std[2])
        offset = ((o - spec.mean[0]) / spec.std[0], (o - spec.mean[1]) / spec.std[1], (o - spec.mean[2]) / spec.std[2])
        switch spec.layout {
        case .nchw: (xStep, yStep, channelStep) = (1, width, width * height)
        case .nhwc: (xStep, yStep, channelStep) = (3, width * 3, 1)
        }
    }

    /// Writes output row y from interleaved RGB values (already rounded to 0…255).
    @inline(__always)
    func writeRow(_ y: Int, rgb: UnsafePointer<Float>) {
        let row = output + y * yStep
        let red = row + channelSlot.0 * channelStep
        let green = row + channelSlot.1 * channelStep
        let blue = row + channelSlot.2 * channelStep
        for x in 0..<width {
            let at = x * xStep
            red[at] = rgb[x * 3] * multiplier.0 + offset.0
            green[at] = rgb[x * 3 + 1] * multiplier.1 + offset.1
            blue[at] = rgb[x * 3 + 2] * multiplier.2 + offset.2
        }
    }
}
