import Dispatch
import FoveaImage
import Foundation

/// Forms batches dynamically for one model and runs them on its instances.
///
/// A request reserves a slot in the batch being formed *before* it decodes,
/// so its image is preprocessed straight into the tensor the network reads.
/// A batch starts when it is full, or when an instance is idle, none of its
/// requests is still decoding and no larger batch is running: the requests
/// it could wait for are then ones that have not even arrived, and waiting for
/// those only adds latency (5 ms per request at concurrency 1 with the default
/// delay). While requests of the batch are decoding, the ready ones wait for
/// them; `maxQueueDelay` after the first became ready the batch closes to
/// newcomers, so a steady stream of arrivals cannot hold it back. While every
/// instance is busy the open batch keeps growing, which is what turns load
/// into throughput.
///
/// While a larger batch runs, a ready batch also waits out `maxQueueDelay` for
/// requests that have not arrived yet: under steady load, the clients of the
/// batch that just finished send their next requests within a few
/// milliseconds of each other, in groups as large as the ones running.
/// Closing at once broke such a returning group into a batch without its last
/// upload and a straggler that then waited for the next free instance
/// (resnet50 at concurrency 16: more than half of the requests in batches of
/// 2–4, median queue wait 178 ms; with the wait 97 % in batches of 8, median
/// queue wait 6 ms). A group as large as the running batch is complete, and
/// waiting on would cost it the delay for nothing (dog-breeds at concurrency
/// 4, batches of 2: 0.90× the images per second).
///
/// With several instances, each batch runs on its instance's share of the
/// cores (see `CoreShare`), and a batch that nothing else is waiting behind is
/// split into consecutive runs, one per idle instance, so that every idle core
/// works on it without an OpenMP barrier across cores; with one instance idle
/// it runs whole there, as half of it would otherwise wait for a busy one.
/// Only a lone request, with no other batch running, runs on all of the
/// model's cores, on the first instance, while the others wait. Running a
/// whole batch on every core instead was a bet that nothing else arrives
/// meanwhile; a burst that arrived over a few tens of milliseconds lost it,
/// its second half waiting for the first (resnet50 at concurrency 16: 8 of the
/// first 32 requests at twice the usual latency), and decoding during such a
/// batch stalled its barrier.
///
/// The price of decoding in place: a batch that closes still waits for the
/// requests that reserved a slot and are decoding, so one large upload can
/// delay the small ones that share its batch by its decode time (reported as
/// their `queue` time).
public final class BatchScheduler: @unchecked Sendable {
    public let settings: BatchingSettings
    public let inputElementCount: Int
    private let observer: (any BatchObserver)?
    private let bufferPool: ImageBufferPool

    private let clock = ContinuousClock()
    private let timerQueue = DispatchQueue(label: "fovea.batching.delay")

    /// Guards every `var` below and the slot bookkeeping of pending batches.
    private let lock = NSLock()
    private var open: PendingBatch?
    /// Closed batches in arrival order; the head runs first once settled.
    private var closed: [PendingBatch] = []
    private var idle: [Worker]
    /// Requests reserved and not yet handed to an instance.
    private var admitted = 0
    /// Ready requests of each run in progress (whole batches or parts of
    /// split ones).
    private var runningRuns: [Int] = []
    /// A lone request runs on every core; nothing else may start until it ends.
    private var runningAlone = false
    private let instanceCount: Int
    private var isStopped = false
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    private final class Worker: Sendable {
        let executor: any BatchExecutor
        let index: Int
        /// Inference blocks its thread for milliseconds; it must never run on
        /// the cooperative pool that serves HTTP.
        let queue: DispatchQueue

        init(executor: any BatchExecutor, index: Int) {
            self.executor = executor
            self.index = index
            self.queue = DispatchQueue(label: "fovea.batching.instance-\(index)", qos: .userInitiated)
        }
    }

    /// A run handed to an idle instance: the batch's slots it covers, and the
    /// cores it may use.
    private struct Work {
        let worker: Worker
        let batch: PendingBatch
        let slots: Range<Int>
        let ready: Int
        let cores: CoreShare
    }

    public init(settings: BatchingSettings, executors: [any BatchExecutor], observer: (any BatchObserver)? = nil,
                bufferPool: ImageBufferPool = ImageBufferPool()) {
        precondition(!executors.isEmpty, "a model needs at least one instance")
        let elements = executors[0].inputElementCount
        precondition(executors.allSatisfy { $0.inputElementCount == elements },
                     "all instances of a model share one input shape")
        self.settings = settings
        self.inputElementCount = elements
        self.observer = observer
        self.bufferPool = bufferPool
        self.idle = executors.enumerated().map { Worker(executor: $1, index: $0) }
        self.instanceCount = executors.count
    }

    /// Requests admitted and not yet running: the `fovea_queue_depth` gauge.
    public var queueDepth: Int { lock.withLock { admitted } }

    /// Reserves a slot, lets `fill` write the preprocessed input into it, and
    /// waits for the batch it lands in to run.
    ///
    /// The slot is reserved (or `queueFull` thrown) before `fill` starts, on
    /// the caller's thread; `fill` may hop elsewhere to decode, and images of
    /// concurrent requests are decoded in parallel. If it throws, the slot is
    /// given up and the error propagates unchanged.
    public func submit(
        fill: (UnsafeMutableBufferPointer<Float>) async throws -> Void
    ) async throws -> BatchItemResult {
        let deadline = clock.now + settings.timeout
        let (batch, index) = try reserveSlot(deadline: deadline)
        do {
            try await fill(batch.buffer.slot(index))
        } catch {
            let work = lock.withLock {
                batch.markAbandoned(index)
                admitted -= 1
                return takeRunnableBatches()
            }
            start(work)
            throw error
        }
        return try await withCheckedThrowingContinuation { continuation in
            let work = lock.withLock {
                let first = batch.markReady(index, at: clock.now, continuation: continuation)
                let work = takeRunnableBatches()
                if first, !batch.isClosed, settings.maxQueueDelay > .zero {
                    scheduleDelayExpiry(of: batch)
                }
                return work
            }
            start(work)
        }
    }

    /// Refuses new requests and returns once every admitted one is answered.
    ///
    /// Nothing needs flushing: once stopped, an open batch starts as soon as
    /// its last request is ready, as no new request can join it any more.
    public func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let work = lock.withLock {
                isStopped = true
                drainWaiters.append(continuation)
                resumeDrainWaitersIfIdle()
                return takeRunnableBatches()
            }
            start(work)
        }
    }

    // MARK: - Under the lock

    private func reserveSlot(deadline: ContinuousClock.Instant) throws(SchedulingError) -> (PendingBatch, Int) {
        lock.lock()
        defer { lock.unlock() }
        guard !isStopped else { throw .stopped }
        guard admitted < settings.queueCapacity else {
            throw .queueFull(capacity: settings.queueCapacity)
        }
        admitted += 1
        let batch = batchAcceptingRequests()
        let index = batch.reserve(deadline: deadline)
        if batch.isFull { close(batch) }
        return (batch, index)
    }

    private func batchAcceptingRequests() -> PendingBatch {
        if let open, !open.isClosed, !open.isFull { return open }
        // A batch's tensor goes back to the pool with the batch's last
        // reference, so the next batch reuses it warm.
        let buffer = BatchBuffer(capacity: settings.maxBatchSize, slotElementCount: inputElementCount, pool: bufferPool)
        let batch = PendingBatch(buffer: buffer)
        open = batch
        return batch
    }

    private func close(_ batch: PendingBatch) {
        batch.isClosed = true
        closed.append(batch)
        if open === batch { open = nil }
    }

    /// Pairs idle instances with runs that may start now, and says which
    /// cores each may use.
    private func takeRunnableBatches() -> [Work] {
        var work: [Work] = []
        while !idle.isEmpty, !runningAlone {
            if let head = closed.first {
                guard head.isSettled else { break }
                let ready = head.readyCount
                guard ready > 0 else {
                    closed.removeFirst()
                    continue
                }
                let nothingBehind = instanceCount > 1 && admitted == ready
                // Split only what nothing else is waiting behind, and only
                // across idle instances: under load, whole batches keep every
                // instance busy anyway.
                let runSize = head.runSize ?? (nothingBehind ? (ready + idle.count - 1) / idle.count : ready)
                head.runSize = runSize
                // A lone request cannot be split; it gets every core. Only
                // the first instance does: every instance that did would keep
                // an OpenMP team of that size, and once libgomp manages more
                // threads than there are cores its idle threads sleep after a
                // hundred spins, so each primitive would start by waking one
                // (dog-breeds at batch 1: median 11.4 ms instead of 2.4–2.8).
                let alone = nothingBehind && ready == 1 && runningRuns.isEmpty
                let first = alone ? idle.firstIndex { $0.index == 0 } : nil
                let run = head.take(readyLimit: runSize)
                if head.isExhausted { closed.removeFirst() }
                admitted -= run.ready
                runningAlone = first != nil
                runningRuns.append(run.ready)
                let worker = first.map { idle.remove(at: $0) } ?? idle.removeLast()
                work.append(Work(worker: worker, batch: head, slots: run.slots, ready: run.ready,
                                 cores: first != nil ? .all : .instanceShare))
            } else if let batch = open, mayClose(batch) {
                close(batch)
            } else {
                break
            }
        }
        return work
    }

    /// Whether the open batch should stop taking requests so that an idle
    /// instance can run it (see the type's documentation for why).
    private func mayClose(_ batch: PendingBatch) -> Bool {
        let ready = batch.readyCount
        guard ready > 0 else { return false }
        if batch.delayElapsed || settings.maxQueueDelay == .zero { return true }
        guard batch.isSettled else { return false }
        // Late arrivals are only worth waiting for while a larger group runs.
        return isStopped || ready >= (runningRuns.max() ?? 0)
    }

    private func resumeDrainWaitersIfIdle() {
        guard isStopped, admitted == 0, runningRuns.isEmpty else { return }
        let waiters = drainWaiters
        drainWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    private func scheduleDelayExpiry(of batch: PendingBatch) {
        let delay = settings.maxQueueDelay.components
        let nanoseconds = delay.seconds * 1_000_000_000 + delay.attoseconds / 1_000_000_000
        timerQueue.asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
            let work = lock.withLock {
                batch.delayElapsed = true
                return takeRunnableBatches()
            }
            start(work)
        }
    }

    // MARK: - Outside the lock

    private func start(_ work: [Work]) {
        for item in work {
            item.worker.queue.async { [self] in
                run(item.batch, slots: item.slots, on: item.worker, cores: item.cores)
                let next = lock.withLock {
                    if item.cores == .all { runningAlone = false }
                    runningRuns.remove(at: runningRuns.firstIndex(of: item.ready)!)
                    idle.append(item.worker)
                    let next = takeRunnableBatches()
                    resumeDrainWaitersIfIdle()
                    return next
                }
                start(next)
            }
        }
    }

    /// Runs the ready requests among `slots` of a settled batch, moved to the
    /// front of that range. No other thread touches these slots once they have
    /// been taken, so they are read here without the lock; runs of one batch
    /// cover disjoint ranges.
    private func run(_ batch: PendingBatch, slots: Range<Int>, on worker: Worker, cores: CoreShare) {
        let startedAt = clock.now
        var live: [(continuation: CheckedContinuation<BatchItemResult, any Error>, readyAt: ContinuousClock.Instant)] = []
        for index in slots {
            let slot = batch.slots[index]
            guard case .ready(let continuation) = slot.state else { continue }
            if slot.deadline < startedAt {
                let timeout = settings.timeout.components
                continuation.resume(throwing: SchedulingError.deadlineExceeded(
                    timeoutMilliseconds: Int(timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000)))
                continue
            }
            batch.buffer.move(slot: index, to: slots.lowerBound + live.count)
            live.append((continuation, slot.readyAt ?? startedAt))
        }
        guard !live.isEmpty else { return }

        let rows: [[Float]]
        do {
            rows = try worker.executor.run(input: batch.buffer.rows(from: slots.lowerBound), batchSize: live.count,
                                          cores: cores)
            guard rows.count == live.count else {
                throw SchedulingError.inferenceFailed(
                    "the model returned \(rows.count) outputs for a batch of \(live.count)")
            }
        } catch {
            let failure = error as? SchedulingError ?? .inferenceFailed(String(describing: error))
            for item in live { item.continuation.resume(throwing: failure) }
            return
        }
        let inference = clock.now - startedAt
        observer?.batchCompleted(size: live.count, inference: inference,
                                 queueWaits: live.map { startedAt - $0.readyAt })
        for (item, scores) in zip(live, rows) {
            item.continuation.resume(returning: BatchItemResult(
                scores: scores, batchSize: live.count,
                queueWait: startedAt - item.readyAt, inference: inference))
        }
    }
}
