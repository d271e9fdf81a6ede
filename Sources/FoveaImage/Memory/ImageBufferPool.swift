import Foundation
import Synchronization

/// Reuses the large buffers every image needs (decoded pixels, the
/// resampler's intermediate rows, the batch tensor it is written into)
/// instead of asking the allocator for them per request.
///
/// A 640-px upload needs two buffers of about 1 MB. From malloc, glibc
/// serves the first from mmap, then raises its mmap threshold past that
/// size, so the rest come from the heaps of up to 8 arenas per core, which
/// worker threads hop between under contention; each heap keeps its own
/// peak and its holes, and a server's resident set crept up by 10–22 % over
/// a 10-minute soak. Buffers handed out here are mapped directly and come
/// back warm, so steady load maps nothing new and touches no new pages.
///
/// Buffers live in size classes an eighth of a power of two apart, so
/// images of similar size share buffers while at most 12.5 % is wasted. Idle
/// buffers are kept up to `idleByteLimit` (oldest unmapped first), and
/// `releaseIdle(olderThan:)` returns what a past burst left behind.
public final class ImageBufferPool: Sendable {
    /// Idle bytes kept for reuse: a returned buffer displaces the oldest idle
    /// ones beyond it, and one larger than the whole limit is unmapped.
    public let idleByteLimit: Int

    /// An idle buffer is referenced by the pool alone, so it may move
    /// between threads with it.
    private struct Idle: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        let since: ContinuousClock.Instant
    }

    private struct State {
        /// Oldest first.
        var idle: [Idle] = []
        var idleBytes = 0
        var mappedBytes = 0
    }

    private let state = Mutex(State())

    /// 64 MiB keeps dozens of typical uploads' buffers, and the few of a
    /// burst of large photos, without holding much at rest.
    public init(idleByteLimit: Int = 64 << 20) {
        self.idleByteLimit = idleByteLimit
    }

    deinit {
        state.withLock { state in
            for buffer in state.idle { Self.unmap(buffer.base, buffer.capacity) }
        }
    }

    /// At least `byteCount` bytes of uninitialised memory, returned to the
    /// pool when the result is released; nil when the system refuses to map
    /// more, which callers report as an out-of-memory error.
    public func take(byteCount: Int) -> PooledBuffer? {
        guard byteCount >= 0, let capacity = Self.sizeClass(byteCount) else { return nil }
        let reused = state.withLock { state -> UnsafeMutableRawPointer? in
            guard let index = state.idle.lastIndex(where: { $0.capacity == capacity }) else { return nil }
            state.idleBytes -= capacity
            return state.idle.remove(at: index).base
        }
        if let reused { return PooledBuffer(base: reused, capacity: capacity, pool: self) }
        guard let mapped = Self.map(capacity) else { return nil }
        state.withLock { $0.mappedBytes += capacity }
        return PooledBuffer(base: mapped, capacity: capacity, pool: self)
    }

    /// Unmaps the buffers idle for longer than `age`.
    public func releaseIdle(olderThan age: Duration) {
        let cutoff = ContinuousClock.now - age
        let released = state.withLock { state -> [Idle] in
            let stale = state.idle.prefix { $0.since < cutoff }
            state.idle.removeFirst(stale.count)
            let bytes = stale.reduce(0) { $0 + $1.capacity }
            state.idleBytes -= bytes
            state.mappedBytes -= bytes
            return Array(stale)
        }
        for buffer in released { Self.unmap(buffer.base, buffer.capacity) }
    }

    /// Bytes held by idle buffers.
    public var idleBytes: Int { state.withLock { $0.idleBytes } }

    /// Bytes mapped for buffers, idle or in use.
    public var mappedBytes: Int { state.withLock { $0.mappedBytes } }

    fileprivate func giveBack(_ base: UnsafeMutableRawPointer, capacity: Int) {
        let unmapped = state.withLock { state -> [Idle] in
            guard capacity <= idleByteLimit else {
                state.mappedBytes -= capacity
                return [Idle(base: base, capacity: capacity, since: .now)]
            }
            var evicted = 0
            while state.idleBytes + capacity > idleByteLimit {
                state.idleBytes -= state.idle[evicted].capacity
                state.mappedBytes -= state.idle[evicted].capacity
                evicted += 1
            }
            let oldest = Array(state.idle.prefix(evicted))
            state.idle.removeFirst(evicted)
            state.idle.append(Idle(base: base, capacity: capacity, since: .now))
            state.idleBytes += capacity
            return oldest
        }
        for buffer in unmapped { Self.unmap(buffer.base, buffer.capacity) }
    }

    /// The smallest size class holding `byteCount` bytes: a whole number of
    /// pages of the form m·2ᵏ with 8 ≤ m ≤ 16. Nil where that overflows.
    static func sizeClass(_ byteCount: Int) -> Int? {
        let page = 4096
        guard byteCount <= Int.max - page else { return nil }
        let pages = max((byteCount + page - 1) / page, 1)
        guard pages > 16 else { return pages * page }
        let shift = (Int.bitWidth - pages.leadingZeroBitCount) - 4
        let (bytes, overflow) = ((pages - 1) >> shift + 1).multipliedReportingOverflow(by: page << shift)
        return overflow ? nil : bytes
    }

    private static func map(_ capacity: Int) -> UnsafeMutableRawPointer? {
        let memory = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        return memory == MAP_FAILED ? nil : memory
    }

    private static func unmap(_ base: UnsafeMutableRawPointer, _ capacity: Int) {
        munmap(base, capacity)
    }
}

/// Memory borrowed from an `ImageBufferPool`, given back when the last
/// reference goes.
public final class PooledBuffer: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let capacity: Int
    private let pool: ImageBufferPool

    fileprivate init(base: UnsafeMutableRawPointer, capacity: Int, pool: ImageBufferPool) {
        self.base = base
        self.capacity = capacity
        self.pool = pool
    }

    deinit { pool.giveBack(base, capacity: capacity) }
}
