import CDNNL

/// ShuffleNet's channel shuffle with `groups` groups — Reshape N×C×… to
/// N×g×(C/g)×…, Transpose of the two channel axes, Reshape back to N×C×… —
/// which moves channel `i·(C/g) + j` to channel `j·g + i`.
///
/// In the layout oneDNN's grouped convolutions write when their groups are
/// not whole 16-channel blocks (nhwc, nChw8c) that is one strided copy in
/// the same layout: ShuffleNet v1 converted each shuffle's input to plain
/// and back around a plain transpose, three copies instead of one.
struct ChannelShuffle {
    /// Kernel indices of the two reshapes and the transpose.
    let kernels: [Int]
    let source: String
    /// The shuffled result (the second reshape's destination).
    let destination: String
    let groups: Int
    /// N×C×… of the source and the result.
    let shape: [Int]

    /// The shuffle starting at the reshape `kernels[index]`, if it is one and
    /// each intermediate is read only by the next step.
    static func starting(at index: Int, in program: ExecutionProgram, readers: [String: [Int]], outputs: Set<String>) -> ChannelShuffle? {
        func onlyReader(of value: String) -> (Int, Kernel)? {
            guard !outputs.contains(value), let indices = readers[value], indices.count == 1 else { return nil }
            return (indices[0], program.kernels[indices[0]])
        }
        guard case .reshape(let source, let split) = program.kernels[index],
              let shape = program.types[source]?.shape, shape.count >= 3,
              let splitShape = program.types[split]?.shape, splitShape.count == shape.count + 1,
              case (let transposeIndex, .transpose(_, let transposed, let permutation))? = onlyReader(of: split),
              case (let mergeIndex, .reshape(_, let merged))? = onlyReader(of: transposed) else { return nil }
        let groups = splitShape[1]
        guard groups > 1, shape[1] % groups == 0,
              splitShape == [shape[0], groups, shape[1] / groups] + shape.dropFirst(2),
              permutation == [0, 2, 1] + Array(3..<(shape.count + 1)),
              program.types[merged]?.shape == shape else { return nil }
        return ChannelShuffle(kernels: [index, transposeIndex, mergeIndex], source: source, destination: merged, groups: groups, shape: shape)
    }

    /// Every shuffle of `program`.
    static func find(in program: ExecutionProgram) -> [ChannelShuffle] {
        let readers = program.readers(), outputs = Set(program.outputs.map(\.value))
        return program.kernels.indices.compactMap { starting(at: $0, in: program, readers: readers, outputs: outputs) }
    }

    /// The source and the result as views over their memory in which one
    /// reorder shuffles, or nil if `layout` (of both, dense) allows none. In an
    /// unblocked layout the views are N×g×(C/g)×…: source channel
    /// `i·(C/g) + j` is element (i, j) of the first, result channel `j·g + i`
    /// of the second. In blocks of B channels, when each group is whole
    /// blocks and g divides B, `j` splits further into (q, m, r) with
    /// j = B·q + (B/g)·m + r: the source holds it in block i·(C/g)/B + q at
    /// lane (B/g)·m + r, the result in block g·q + m at lane g·r + i.
    func views(layout: dnnl_memory_desc_t) throws -> (source: dnnl_memory_desc_t, destination: dnnl_memory_desc_t)? {
        guard let (strides, block) = MemoryDescriptor.channelBlocking(of: layout) else { return nil }
        let width = shape[1] / groups, spatial = Array(shape.dropFirst(2)), spatialStrides = Array(strides.dropFirst(2))
        if block == 1 {
            let dims = [shape[0], groups, width] + spatial
            return (try MemoryDescriptor.strided(dims, strides: [strides[0], width * strides[1], strides[1]] + spatialStrides),
                    try MemoryDescriptor.strided(dims, strides: [strides[0], strides[1], groups * strides[1]] + spatialStrides))
        }
        guard width % block == 0, block % groups == 0 else { return nil }
        let dims = [shape[0], groups, width / block, groups, block / groups] + spatial
        let blockStride = strides[1]
        return (try MemoryDescriptor.strided(dims, strides: [strides[0], width / block * blockStride, blockStride, block / groups, 1] + spatialStrides),
                try MemoryDescriptor.strided(dims, strides: [strides[0], 1, groups * blockStride, blockStride, groups] + spatialStrides))
    }
}
