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
        func onlyReader(of value: String) -> (Int, Kernel)? {
            guard !outputs.contains(value), let indices = readers[value], indices.count == 1 else { return nil }
            return (indices[0], program.kernels[indices[0]])
        }
        var found: [ShuffledConcat] = []
        for (concatIndex, kernel) in program.kernels.enumerated() {
            guard case .concat(let sources, 1, let concatenated) = kernel, sources.count > 1,
                  let shape = program.types[concatenated]?.shape, shape.count >= 3,
                  case (let splitIndex, .reshape(_, let split))? = onlyReader(of: concatenated),
                  case (let transposeIndex, .transpose(_, let transposed, let permutation))? = onlyReader(of: split),
                  case (let mergeIndex, .reshape(_, let merged))? = onlyReader(of: transposed) else { continue }
            let groups = sources.count, width = shape[1] / groups
            guard shape[1] % groups == 0, sources.allSatisfy({ program.types[$0]?.shape[1] == width }),
                  program.types[split]?.shape == [shape[0], groups, width] + shape.dropFirst(2),
                  permutation == [0, 2, 1] + Array(3..<(shape.count + 1)),
                  program.types[merged]?.shape == shape else { continue }
            found.append(ShuffledConcat(kernels: [concatIndex, splitIndex, transposeIndex, mergeIndex], sources: sources,
                                        destination: merged, shape: shape))
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
