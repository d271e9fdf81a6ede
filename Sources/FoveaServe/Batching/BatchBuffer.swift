import FoveaImage

/// The input tensor of one batch: `capacity` slots of `slotElementCount`
/// floats, page-aligned (oneDNN reads it in place with vector loads, which
/// want 64 bytes).
///
/// The memory comes from the service's `ImageBufferPool` and returns there
/// when the batch is done, so batches reuse it rather than leaving
/// megabyte holes in the C heap after a burst.
///
/// Slots are handed to different requests that write them concurrently; each
/// writes only its own slot, so no lock is needed for the contents.
final class BatchBuffer: @unchecked Sendable {
    let capacity: Int
    let slotElementCount: Int
    private let base: UnsafeMutablePointer<Float>
    private let memory: PooledBuffer

    init(capacity: Int, slotElementCount: Int, pool: ImageBufferPool) {
        self.capacity = capacity
        self.slotElementCount = slotElementCount
        let bytes = max(1, capacity * slotElementCount) * MemoryLayout<Float>.stride
        guard let memory = pool.take(byteCount: bytes) else {
            fatalError("out of memory allocating a \(bytes)-byte batch buffer")
        }
        self.memory = memory
        base = memory.base.bindMemory(to: Float.self, capacity: capacity * slotElementCount)
    }

    /// The input of the rows from `row` on, for a run that covers part of the batch.
    func rows(from row: Int) -> UnsafePointer<Float> {
        precondition(row >= 0 && row < capacity, "row \(row) outside batch of \(capacity)")
        return UnsafePointer(base + row * slotElementCount)
    }

    func slot(_ index: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition(index >= 0 && index < capacity, "slot \(index) outside batch of \(capacity)")
        return UnsafeMutableBufferPointer(start: base + index * slotElementCount, count: slotElementCount)
    }

    /// Moves slot `source` onto slot `destination` to close a gap left by a
    /// failed or expired request, keeping the live inputs contiguous.
    func move(slot source: Int, to destination: Int) {
        guard source != destination else { return }
        (base + destination * slotElementCount).update(from: base + source * slotElementCount,
                                                       count: slotElementCount)
    }
}
