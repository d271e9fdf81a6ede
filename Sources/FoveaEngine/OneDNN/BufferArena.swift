/// Assigns offsets in one allocation to buffers whose lifetimes (step
/// ranges) are known, so buffers that are never alive at the same time share
/// memory. Greedy by size, first fit: simple and close to optimal for the
/// chain-like lifetimes of CNN activations.
struct BufferArena {
    struct Buffer {
        var size: Int
        var firstStep: Int
        var lastStep: Int
    }

    static let alignment = 64

    /// Offsets per buffer and the total size.
    static func layout(_ buffers: [Buffer]) -> (offsets: [Int], size: Int) {
        var offsets = Array(repeating: 0, count: buffers.count)
        var placed: [(offset: Int, end: Int, index: Int)] = []
        var total = 0
        let order = buffers.indices.sorted { buffers[$0].size > buffers[$1].size }
        for index in order {
            let buffer = buffers[index]
            let size = (buffer.size + alignment - 1) / alignment * alignment
            let conflicts = placed.filter {
                let other = buffers[$0.index]
                return other.firstStep <= buffer.lastStep && buffer.firstStep <= other.lastStep
            }.sorted { $0.offset < $1.offset }
            var candidate = 0
            for conflict in conflicts {
                if candidate + size <= conflict.offset { break }
                candidate = max(candidate, conflict.end)
            }
            offsets[index] = candidate
            placed.append((candidate, candidate + size, index))
            total = max(total, candidate + size)
        }
        return (offsets, total)
    }
}
