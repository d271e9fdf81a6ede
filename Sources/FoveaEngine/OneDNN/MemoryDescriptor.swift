import CDNNL

/// Construction and comparison of oneDNN memory descriptors (f32 only).
enum MemoryDescriptor {
    static let maxRank = 12

    private static func dims(_ shape: [Int]) -> [Int64] {
        shape.map { Int64($0) } + Array(repeating: 0, count: maxRank - shape.count)
    }

    /// Row-major layout; rank 0 is treated as a one-element vector.
    static func plain(_ shape: [Int]) throws -> dnnl_memory_desc_t {
        let shape = shape.isEmpty ? [1] : shape
        return try strided(shape, strides: ShapeMath.strides(of: shape))
    }

    static func strided(_ shape: [Int], strides: [Int], offset: Int = 0) throws -> dnnl_memory_desc_t {
        guard shape.count <= maxRank else { throw OneDNNError(operation: "describe a rank-\(shape.count) tensor", status: "rank above 12") }
        var descriptor = dnnl_memory_desc_t()
        try dnnlCheck(dnnl_memory_desc_init_by_strides(&descriptor, Int32(shape.count), dims(shape), dnnl_f32, dims(strides)),
                      "describe tensor \(shape) with strides \(strides)")
        descriptor.offset0 = Int64(offset)
        return descriptor
    }

    /// "Let the primitive choose" layout.
    static func any(_ shape: [Int]) throws -> dnnl_memory_desc_t {
        let shape = shape.isEmpty ? [1] : shape
        var descriptor = dnnl_memory_desc_t()
        try dnnlCheck(dnnl_memory_desc_init_by_tag(&descriptor, Int32(shape.count), dims(shape), dnnl_f32, dnnl_format_tag_any),
                      "describe tensor \(shape)")
        return descriptor
    }

    /// Dense layout in the given format (e.g. nChw8c).
    static func tagged(_ shape: [Int], format: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        var descriptor = dnnl_memory_desc_t()
        try dnnlCheck(dnnl_memory_desc_init_by_tag(&descriptor, Int32(shape.count), dims(shape), dnnl_f32, format),
                      "describe tensor \(shape) in format \(format.rawValue)")
        return descriptor
    }

    /// The format tag `descriptor` is dense in, among the activation
    /// layouts plans use (plain, channels-last, 8- and 16-channel blocks).
    static func formatTag(of descriptor: dnnl_memory_desc_t) -> dnnl_format_tag_t? {
        let shape = shape(descriptor)
        return activationTags(rank: shape.count).first { tag in (try? tagged(shape, format: tag)).map { equal($0, descriptor) } ?? false }
    }

    /// Whether `tag` is one of the channel-blocked `activationTags`.
    static func isChannelBlocked(_ tag: dnnl_format_tag_t) -> Bool { channelBlock(of: tag) != nil }

    /// Channels per block of a channel-blocked `tag` (8 for nChw8c); nil for
    /// the unblocked ones.
    static func channelBlock(of tag: dnnl_format_tag_t) -> Int? {
        if [dnnl_aBc8b, dnnl_aBcd8b, dnnl_aBcde8b].contains(tag) { return 8 }
        if [dnnl_aBc16b, dnnl_aBcd16b, dnnl_aBcde16b].contains(tag) { return 16 }
        return nil
    }

    /// The layouts of N×C×… activations oneDNN has kernels for: 16- and
    /// 8-channel blocks (nChw16c, nChw8c), channels last (nhwc), plain
    /// (nchw), in the order a plan prefers them.
    static func activationTags(rank: Int) -> [dnnl_format_tag_t] {
        switch rank {
        case 2: return [dnnl_ab]
        case 3: return [dnnl_aBc16b, dnnl_aBc8b, dnnl_acb, dnnl_abc]
        case 4: return [dnnl_aBcd16b, dnnl_aBcd8b, dnnl_acdb, dnnl_abcd]
        case 5: return [dnnl_aBcde16b, dnnl_aBcde8b, dnnl_acdeb, dnnl_abcde]
        default: return []
        }
    }

    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        withUnsafePointer(to: a) { pa in withUnsafePointer(to: b) { pb in dnnl_memory_desc_equal(pa, pb) != 0 } }
    }

    static func size(_ descriptor: dnnl_memory_desc_t) -> Int {
        withUnsafePointer(to: descriptor) { Int(dnnl_memory_desc_get_size($0)) }
    }

    static func shape(_ descriptor: dnnl_memory_desc_t) -> [Int] { integers(descriptor.dims, count: Int(descriptor.ndims)) }

    /// The first `count` of a C array of int64 (a descriptor's dims, strides, blocks).
    private static func integers<Tuple>(_ tuple: Tuple, count: Int) -> [Int] {
        withUnsafeBytes(of: tuple) { raw in (0..<count).map { Int(raw.load(fromByteOffset: $0 * 8, as: Int64.self)) } }
    }

    /// A layout as per-axis strides in elements plus the size of its block
    /// of channels (axis 1) innermost: 1 for plain, channels last or a
    /// strided view, 8 for nChw8c (where axis 1's stride steps from block
    /// to block). Nil for other blockings.
    static func channelBlocking(of descriptor: dnnl_memory_desc_t) -> (strides: [Int], block: Int)? {
        guard descriptor.format_kind == dnnl_blocked else { return nil }
        let blocking = descriptor.format_desc.blocking
        let strides = integers(blocking.strides, count: Int(descriptor.ndims))
        switch blocking.inner_nblks {
        case 0: return (strides, 1)
        case 1 where integers(blocking.inner_idxs, count: 1) == [1]: return (strides, integers(blocking.inner_blks, count: 1)[0])
        default: return nil
        }
    }

    /// The part of `parent` of extent `shape` from `offsets` on, over the
    /// same memory (oneDNN reads and writes it at the parent's strides).
    static func region(of parent: dnnl_memory_desc_t, shape: [Int], offsets: [Int]) throws -> dnnl_memory_desc_t {
        var parent = parent
        var region = dnnl_memory_desc_t()
        try dnnlCheck(dnnl_memory_desc_init_submemory(&region, &parent, dims(shape), dims(offsets)),
                      "describe the region \(shape) at \(offsets)")
        return region
    }

    /// `descriptor` (shaped N×C×1×…×1) viewed as an N×C matrix over the same
    /// memory, when its channels are laid out consecutively: true for plain
    /// layouts and for channel-blocked ones (nChw8c) once the spatial extent
    /// is 1. A global pooling result then feeds a classifier without a
    /// reorder. Nil when no such view exists.
    static func channelView(of descriptor: dnnl_memory_desc_t) throws -> dnnl_memory_desc_t? {
        let shape = shape(descriptor)
        guard descriptor.format_kind == dnnl_blocked, shape.count >= 3, shape.dropFirst(2).allSatisfy({ $0 == 1 }) else { return nil }
        let blocking = descriptor.format_desc.blocking
        let strides = integers(blocking.strides, count: 2)
        let blocks = integers(blocking.inner_blks, count: Int(blocking.inner_nblks))
        let blockedAxes = integers(blocking.inner_idxs, count: Int(blocking.inner_nblks))
        guard blockedAxes.allSatisfy({ $0 == 1 }) else { return nil }
        let blockSize = blocks.reduce(1, *)
        // Channel c sits at (c / block) · stride + c % block: linear iff the
        // stride between channel blocks is the block size itself.
        guard strides[1] == blockSize else { return nil }
        return try strided([shape[0], shape[1]], strides: [strides[0], 1], offset: Int(descriptor.offset0))
    }

    /// A stable key for caching reordered weights per layout.
    static func key(_ descriptor: dnnl_memory_desc_t) -> [UInt8] {
        withUnsafeBytes(of: descriptor) { Array($0) }
    }
}
