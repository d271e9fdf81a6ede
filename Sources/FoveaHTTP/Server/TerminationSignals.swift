import Dispatch
import Glibc

/// Waits for SIGTERM or SIGINT, the signals orchestrators and terminals use to
/// ask for a graceful stop. The default actions are disabled so the process
/// survives long enough to drain.
public enum TerminationSignals {
    public static func wait() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let queue = DispatchQueue(label: "fovea.http.signals")
            let once = SignalContinuation(continuation)
            queue.sync {
                for signalNumber in [SIGTERM, SIGINT] {
                    signal(signalNumber, SIG_IGN)
                    let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                    source.setEventHandler { once.resume(with: signalNumber) }
                    once.retain(source)
                    source.resume()
                }
            }
        }
    }
}

/// Resumes the continuation for whichever signal comes first and keeps the
/// signal sources alive until then. Only touched on the signal queue, which
/// is serial; that is what makes the unchecked Sendable sound.
private final class SignalContinuation: @unchecked Sendable {
    private var continuation: CheckedContinuation<Int32, Never>?
    private var sources: [DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Int32, Never>) {
        self.continuation = continuation
    }

    func retain(_ source: DispatchSourceSignal) {
        sources.append(source)
    }

    func resume(with signalNumber: Int32) {
        continuation?.resume(returning: signalNumber)
        continuation = nil
        for source in sources { source.cancel() }
        sources = []
    }
}
