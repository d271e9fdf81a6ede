import CDNNL

/// A channel Concat of `g` equally wide sources followed by a ShuffleNet
/// channel shuffle with `g` groups — Reshape to N×g×(C/g)×…, Transpose of
/// the two channel axes, Reshape back to N×C×… — which interleaves the
/// sources' channels: channel `i` of source `j` lands on channel `i·g + j`.
///
/// Each source is copied once straight into its interleaved place (a strided
/// view of the row-major result) instead of being concatenated, converted to
/// row-major and transposed, three full copies.
struct ShuffledConcat {
    /// Kernel indices of the concat, the two reshapes and the transpose.
    let kernels: [Int]
    let sources: [String]
    /// The shuffled result (the second reshape's destination).
    let destination: String
    let shape: [Int]

    /// The shuffles of `program`, each intermediate read only by the next step.
    static func find(in program: ExecutionProgram) -> [ShuffledConcat] {
        let readers = program.readers()
        let outputs = Set(program.outputs.map(\.value))
        var found: [ShuffledConcat] = []
        for (concatIndex, kernel) in program.kernels.enumerated() {
            guard case .concat(let sources, 1, let concatenated) = kernel, sources.count > 1, !outputs.contains(concatenated),
                  let indices = readers[concatenated], indices.count == 1,
                  let shuffle = ChannelShuffle.starting(at: indices[0], in: program, readers: readers, outputs: outputs),
                  shuffle.groups == sources.count,
                  sources.allSatisfy({ program.types[$0]?.shape[1] == shuffle.shape[1] / shuffle.groups }) else { continue }
            found.append(ShuffledConcat(kernels: [concatIndex] + shuffle.kernels, sources: sources,
                                        destination: shuffle.destination, shape: shuffle.shape))
        }
        return found
    }

    /// Where source `index` goes in the row-major result: every `g`-th
    /// channel starting at channel `index`.
    func sourceView(_ index: Int) throws -> dnnl_memory_desc_t {
        let strides = ShapeMath.strides(of: shape)
        var sourceShape = shape, sourceStrides = strides
        sourceShape[1] = shape[1] / sources.count
        sourceStrides[1] = strides[1] * sources.count
        return try MemoryDescriptor.strided(sourceShape, strides: sourceStrides, offset: index * strides[1])
    }
}
