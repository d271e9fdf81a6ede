import CDNNL

/// Channel Concats of a single image whose inputs are written straight into
/// their slice of one shared buffer, which saves the concat primitive's
/// copies (the Fire modules of SqueezeNet, Inception-style branches,
/// GhostNet's halves).
///
/// With one image, channels are the outermost axis of both the plain (nchw)
/// and the channel-blocked (nChw8c, nChw16c) layouts, so the channels
/// `[c, c + k)` of the buffer are themselves a dense tensor of the same
/// format, `c` times the spatial size further in — provided `c` and `c + k`
/// fall on block boundaries, otherwise padded blocks would overlap.
///
/// Concats that reuse each other's inputs share one buffer (a family): a
/// DenseNet block concatenates its first k features for every layer k,
/// either as one Concat of all of them (PyTorch) or as a Concat of the
/// previous Concat and the new feature (Caffe2). Each such Concat's result
/// is then a prefix of the block's buffer, and no feature is copied at all,
/// where the concat primitives copied O(k²) of them.
struct InPlaceConcat {
    /// The buffer's shape: batch 1, channels on axis 1.
    let shape: [Int]
    /// The channels of the buffer each source occupies.
    let sources: [String: Range<Int>]
    /// The channels each Concat of the family spans, by its result, and its
    /// sources in order.
    let results: [String: (channels: Range<Int>, sources: [String])]

    /// Families of the concats of `program` that may be assembled in place:
    /// batch 1, channel axis, every source distinct, computed by a kernel,
    /// not a plan output and not in `excluded`, each value at one place.
    /// Other kernels may read a source too (GhostNet's depthwise convolution
    /// reads the 1×1 convolution's half of the concat): they read it there.
    static func candidates(in program: ExecutionProgram, excluding excluded: Set<String>) -> [InPlaceConcat] {
        let outputs = Set(program.outputs.map(\.value)), inputs = Set(program.inputs.map(\.name))
        var concats: [(destination: String, sources: [String], channels: [Int])] = []
        for kernel in program.kernels {
            guard case .concat(let sources, let axis, let destination) = kernel, axis == 1, sources.count > 1,
                  Set(sources).count == sources.count, let shape = program.types[destination]?.shape,
                  (3...5).contains(shape.count), shape[0] == 1,
                  sources.allSatisfy({ !outputs.contains($0) && !inputs.contains($0) && !excluded.contains($0) }) else { continue }
            concats.append((destination, sources, sources.map { program.types[$0]!.shape[1] }))
        }
        var families: [InPlaceConcat] = []
        var placed: Set<String> = []
        // The last concat of a chain is its largest: it roots the family.
        for root in concats.reversed() where !placed.contains(root.destination) && root.sources.allSatisfy({ !placed.contains($0) }) {
            var family = Builder(shape: program.types[root.destination]!.shape)
            family.place(root.destination, at: 0..<family.shape[1], sources: root.sources, channels: root.channels)
            var grew = true
            while grew {
                grew = false
                for concat in concats where family.results[concat.destination] == nil && !placed.contains(concat.destination) {
                    if family.adopt(concat.destination, sources: concat.sources, channels: concat.channels, outside: placed) { grew = true }
                }
            }
            placed.formUnion(family.sources.keys)
            placed.formUnion(family.results.keys)
            families.append(InPlaceConcat(shape: family.shape, sources: family.sources, results: family.results))
        }
        return families
    }

    /// Collects a family: places values at channel ranges, each value once.
    private struct Builder {
        let shape: [Int]
        var sources: [String: Range<Int>] = [:]
        var results: [String: (channels: Range<Int>, sources: [String])] = [:]

        init(shape: [Int]) { self.shape = shape }

        mutating func place(_ destination: String, at range: Range<Int>, sources names: [String], channels: [Int]) {
            results[destination] = (range, names)
            var start = range.lowerBound
            for (name, count) in zip(names, channels) {
                if results[name] == nil { sources[name] = start..<(start + count) }
                start += count
            }
        }

        /// Adds a concat whose result is a source of the family (Caffe2's
        /// nesting) or whose sources lie side by side in it, in order
        /// (PyTorch's growing lists). False if it fits neither way, or a
        /// value would take a second place.
        mutating func adopt(_ destination: String, sources names: [String], channels: [Int], outside: Set<String>) -> Bool {
            let range: Range<Int>
            if let nested = sources[destination] {
                guard nested.count == channels.reduce(0, +) else { return false }
                range = nested
            } else {
                guard let first = place(of: names[0]) else { return false }
                range = first.lowerBound..<(first.lowerBound + channels.reduce(0, +))
            }
            var start = range.lowerBound
            for (name, count) in zip(names, channels) {
                let wanted = start..<(start + count)
                start += count
                if outside.contains(name) { return false }
                if let existing = place(of: name) {
                    guard existing == wanted else { return false }
                } else if sources[destination] == nil {
                    return false
                }
            }
            sources[destination] = nil
            place(destination, at: range, sources: names, channels: channels)
            return true
        }

        private func place(of name: String) -> Range<Int>? { sources[name] ?? results[name]?.channels }
    }

    /// The format tag of `layout` (a source's layout as its producer prefers
    /// it) when the family can be assembled in that format: it is plain or
    /// channel-blocked and every value starts and ends on a block boundary
    /// (or at the end). Nil otherwise, and the concat primitives copy instead.
    func format(matching layout: dnnl_memory_desc_t, ofSource name: String) throws -> dnnl_format_tag_t? {
        guard let range = sources[name] else { return nil }
        for (format, block) in Self.formats(rank: shape.count) {
            guard MemoryDescriptor.equal(layout, try self.layout(range, format: format)) else { continue }
            let bounds = (Array(sources.values) + results.values.map(\.channels)).flatMap { [$0.lowerBound, $0.upperBound] }
            return bounds.allSatisfy { $0 % block == 0 || $0 == shape[1] } ? format : nil
        }
        return nil
    }

    /// The layout of the buffer's channels `range` in `format`.
    func layout(_ range: Range<Int>, format: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        var rangeShape = shape
        rangeShape[1] = range.count
        return try MemoryDescriptor.tagged(rangeShape, format: format)
    }

    /// Where channel `range` starts in the buffer.
    func byteOffset(_ range: Range<Int>) -> Int {
        range.lowerBound * shape.dropFirst(2).reduce(1, *) * MemoryLayout<Float>.size
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
