import CDNNL

/// A channel Concat of a single image whose inputs are written straight into
/// their slice of the result, which saves the concat primitive's copy (the
/// Fire modules of SqueezeNet, Inception-style branches).
///
/// With one image, channels are the outermost axis of both the plain (nchw)
/// and the channel-blocked (nChw8c, nChw16c) layouts, so the slice of
/// channels `[c, c + k)` is itself a dense tensor of the same format, `c`
/// times the spatial size further into the buffer — provided `c` falls on a
/// block boundary, otherwise the slices' padded blocks would overlap.
struct InPlaceConcat {
    let destination: String
    let sources: [String]
    /// The result's shape: batch 1, channels on axis 1.
    let shape: [Int]
    /// First channel of each source in the result.
    let channelOffsets: [Int]
    let sourceChannels: [Int]

    /// Concats of `program` that may be assembled in place: batch 1, channel
    /// axis, every source distinct, computed by a kernel, not a plan output,
    /// and a source of no earlier candidate (a value has one place). Other
    /// kernels may read a source too (GhostNet's depthwise convolution reads
    /// the 1×1 convolution's half of the concat): they read it in its slot.
    static func candidates(in program: ExecutionProgram) -> [InPlaceConcat] {
        let outputs = Set(program.outputs.map(\.value)), inputs = Set(program.inputs.map(\.name))
        var found: [InPlaceConcat] = []
        var placed: Set<String> = []
        for kernel in program.kernels {
            guard case .concat(let sources, let axis, let destination) = kernel, axis == 1, sources.count > 1,
                  Set(sources).count == sources.count, let shape = program.types[destination]?.shape,
                  (3...5).contains(shape.count), shape[0] == 1,
                  sources.allSatisfy({ !outputs.contains($0) && !inputs.contains($0) && !placed.contains($0) }) else { continue }
            placed.formUnion(sources)
            let channels = sources.map { program.types[$0]!.shape[1] }
            let offsets = channels.indices.map { channels[..<$0].reduce(0, +) }
            found.append(InPlaceConcat(destination: destination, sources: sources, shape: shape,
                                       channelOffsets: offsets, sourceChannels: channels))
        }
        return found
    }

    /// The format tag of `layout` (a source's layout as its producer prefers
    /// it) when the result can be assembled in that format: it is plain or
    /// channel-blocked and every source starts on a block boundary. Nil
    /// otherwise, and the concat primitive copies instead.
    func format(matching layout: dnnl_memory_desc_t, ofSource index: Int) throws -> dnnl_format_tag_t? {
        for (format, block) in Self.formats(rank: shape.count) {
            guard MemoryDescriptor.equal(layout, try sourceLayout(index, format: format)) else { continue }
            return channelOffsets.allSatisfy({ $0 % block == 0 }) ? format : nil
        }
        return nil
    }

    func resultLayout(format: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        try MemoryDescriptor.tagged(shape, format: format)
    }

    func sourceLayout(_ index: Int, format: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        var sourceShape = shape
        sourceShape[1] = sourceChannels[index]
        return try MemoryDescriptor.tagged(sourceShape, format: format)
    }

    /// Where source `index` starts in the result's buffer.
    func byteOffset(ofSource index: Int) -> Int {
        channelOffsets[index] * shape.dropFirst(2).reduce(1, *) * MemoryLayout<Float>.size
    }

    /// Formats whose single-image channel slices are dense, with their
    /// channel block size.
    private static func formats(rank: Int) -> [(dnnl_format_tag_t, Int)] {
        switch rank {
        case 3: return [(dnnl_abc, 1), (dnnl_aBc8b, 8), (dnnl_aBc16b, 16)]
        case 4: return [(dnnl_abcd, 1), (dnnl_aBcd8b, 8), (dnnl_aBcd16b, 16)]
        default: return [(dnnl_abcde, 1), (dnnl_aBcde8b, 8), (dnnl_aBcde16b, 16)]
        }
    }
}
