import Synchronization

/// Why `FoveaService.run()` stops serving.
enum StopReason: Sendable {
    case signal(Int32)
    case failed(any Error)
}

/// Resumes a continuation with whichever stop reason comes first; later ones
/// are ignored (a signal during a failing load, say).
final class FirstStopReason: Sendable {
    private let continuation: Mutex<CheckedContinuation<StopReason, Never>?>

    init(_ continuation: CheckedContinuation<StopReason, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resolve(_ reason: StopReason) {
        let pending = continuation.withLock { pending in
            defer { pending = nil }
            return pending
        }
        pending?.resume(returning: reason)
    }
}
