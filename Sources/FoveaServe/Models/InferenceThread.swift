import Foundation

/// A thread of its own for everything one engine instance runs: plan
/// compilation, warm-up and every batch.
///
/// GNU OpenMP keeps a pool of worker threads for each thread that starts
/// parallel regions, and while it manages more threads than there are CPUs
/// its idle workers spin only 100 iterations before sleeping. Compiling and
/// warming up on the loader's thread and serving from whichever Dispatch
/// thread ran the batch left several pools alive, so every oneDNN primitive
/// began by waking a sleeping worker: the default model's batch of one took
/// 6.2–7.5 ms inside the server, 3.6–4.5 ms on one thread (BENCHMARKS.md,
/// "One thread per instance").
final class InferenceThread: Sendable {
    /// Shared with the thread, which must not keep the owner alive.
    private final class Mailbox: @unchecked Sendable {
        let condition = NSCondition()
        var jobs: [() -> Void] = []
        var isClosed = false
    }

    private let mailbox = Mailbox()

    /// `name` shows in `top -H` (at most 15 bytes on Linux).
    init(name: String) {
        let mailbox = mailbox
        // A thread inherits its creator's nice value, and models load at
        // utility QoS (nice 2 on Linux): created there, inference would
        // yield the cores to decoding and HTTP threads under load.
        let created = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            Self.start(name: name, mailbox: mailbox)
            created.signal()
        }
        created.wait()
    }

    private static func start(name: String, mailbox: Mailbox) {
        let thread = Thread {
            Thread.current.name = name
            while true {
                mailbox.condition.lock()
                while mailbox.jobs.isEmpty && !mailbox.isClosed { mailbox.condition.wait() }
                if mailbox.jobs.isEmpty {
                    mailbox.condition.unlock()
                    return
                }
                let job = mailbox.jobs.removeFirst()
                mailbox.condition.unlock()
                job()
            }
        }
        thread.start()
    }

    /// Ends the thread (and its OpenMP pool) once queued work is done.
    deinit {
        mailbox.condition.lock()
        mailbox.isClosed = true
        mailbox.condition.signal()
        mailbox.condition.unlock()
    }

    /// Runs `body` on the thread and waits for it.
    func perform<R>(_ body: @escaping () throws -> R) throws -> R {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<R, any Error>?
        mailbox.condition.lock()
        mailbox.jobs.append {
            result = Result { try body() }
            done.signal()
        }
        mailbox.condition.signal()
        mailbox.condition.unlock()
        done.wait()
        return try result!.get()
    }
}
