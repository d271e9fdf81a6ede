import Synchronization

/// How many threads an uploaded image may be prepared on.
///
/// Splitting a large photo's decode over several cores (see
/// `ImagePreprocessor.threadsPerImage`) cut its latency by a quarter at
/// concurrency 1, when the second core would otherwise idle; but it costs
/// some extra CPU time, and with other images in flight the cores are busy
/// anyway: splitting every image measured 14 % fewer images per second at
/// concurrency 16. So an
/// image gets its model's `threads_per_image` only while it is the only one
/// between admission and response, and one thread otherwise.
final class ImageThreadBudget: Sendable {
    static let shared = ImageThreadBudget()

    private let inFlight = Atomic<Int>(0)

    /// Counts one more image in flight and returns the threads it may use;
    /// pair with `release()`.
    func admit(allowing threads: Int) -> Int {
        inFlight.add(1, ordering: .relaxed).oldValue == 0 ? threads : 1
    }

    func release() {
        inFlight.subtract(1, ordering: .relaxed)
    }
}
