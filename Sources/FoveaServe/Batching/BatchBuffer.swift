#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The input tensor of one batch: `capacity` slots of `slotElementCount`
/// floats, 64-byte aligned so oneDNN can read it in place with vector loads.
///
/// Slots are handed to different requests that write them concurrently; each
/// writes only its own slot, so no lock is needed for the contents.
final class BatchBuffer: @unchecked Sendable {
    let capacity: Int
    let slotElementCount: Int
    private let base: UnsafeMutablePointer<Float>

    init(capacity: Int, slotElementCount: Int) {
        self.capacity = capacity
        self.slotElementCount = slotElementCount
        var raw: UnsafeMutableRawPointer?
        let bytes = max(1, capacity * slotElementCount) * MemoryLayout<Float>.stride
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("out of memory allocating a \(bytes)-byte batch buffer")
        }
        base = raw.bindMemory(to: Float.self, capacity: capacity * slotElementCount)
    }

    deinit { free(base) }

    var pointer: UnsafePointer<Float> { UnsafePointer(base) }

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
