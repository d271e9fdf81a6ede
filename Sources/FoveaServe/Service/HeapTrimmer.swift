import Dispatch
import FoveaImage
#if canImport(Glibc)
import Glibc
#endif

/// Hands memory nobody is using back to the kernel every few seconds while
/// the service runs: image buffers a burst left idle in the pool, and the
/// C heap's free pages.
///
/// The large per-image buffers come from `ImageBufferPool`, but other
/// request-sized allocations (uploads, connection buffers) still come from
/// malloc on whichever worker thread handles them. glibc serves the first
/// from mmap, then raises its mmap threshold past their size, so later ones
/// come from per-thread arena heaps, whose freed holes it keeps; fixing the
/// threshold would cost every request an mmap, page faults and an munmap
/// (–17 % throughput at concurrency 16 when the image buffers still came
/// from malloc). `malloc_trim` every few seconds returns the holes for a
/// few page faults per period.
///
/// Dispatch sources are thread-safe; Swift's overlay just does not say so.
final class HeapTrimmer: @unchecked Sendable {
    static let interval: DispatchTimeInterval = .seconds(5)
    /// Pooled buffers unused for this long are unmapped: steady traffic
    /// reuses its buffers within milliseconds, so only a burst's leftovers
    /// age this far.
    static let idleBufferAge: Duration = .seconds(30)

    private let timer: any DispatchSourceTimer

    init(bufferPool: ImageBufferPool) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval, leeway: .seconds(1))
        timer.setEventHandler {
            bufferPool.releaseIdle(olderThan: Self.idleBufferAge)
            Self.trim()
        }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// glibc's `malloc_trim`, looked up at run time: Swift's Glibc module
    /// does not import `malloc.h`, and other C libraries lack the function
    /// (and return memory on their own terms).
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    /// Returns the free pages of every arena to the kernel.
    static func trim() {
        _ = mallocTrim?(0)
    }
}
