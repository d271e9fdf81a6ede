import Dispatch

/// Where images are decoded: a concurrent dispatch queue at utility QoS,
/// apart from the queues that serve connections.
///
/// Decoding holds a thread for milliseconds (tens for a large photo). Run
/// inline on a connection's queue it shares the thread pool that reads
/// requests and writes responses, so under overload even the requests that
/// are refused at once (503) waited behind every decode in progress; with
/// its own queue, libdispatch gives decoding a thread pool of its own and
/// connection work keeps moving while the cores are saturated.
final class DecodeExecutor: TaskExecutor {
    static let shared = DecodeExecutor()

    private let queue = DispatchQueue(label: "fovea.decode", qos: .utility, attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
