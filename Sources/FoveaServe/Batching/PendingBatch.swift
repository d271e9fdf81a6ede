/// A batch while it is being formed: the scheduler reserves slots in it for
/// arriving requests, which then fill them in parallel. Once settled it is
/// handed to instances in one run or, split, in several runs of consecutive
/// slots.
///
/// Not thread-safe by itself: every access happens under the scheduler's
/// lock, or on an instance that runs a range of its slots after taking it;
/// ranges taken by different instances never overlap.
final class PendingBatch: @unchecked Sendable {
    enum SlotState {
        /// Reserved; the request is still decoding into it.
        case filling
        case ready(continuation: CheckedContinuation<BatchItemResult, any Error>)
        /// Decoding failed; the slot is a gap to be compacted away.
        case abandoned
    }

    struct Slot {
        var state: SlotState
        var deadline: ContinuousClock.Instant
        var readyAt: ContinuousClock.Instant?
    }

    let buffer: BatchBuffer
    private(set) var slots: [Slot] = []
    /// Closed batches take no new reservations; they run once settled.
    var isClosed = false
    /// Set when the first ready request has waited `maxQueueDelay`.
    var delayElapsed = false
    /// Ready requests per run, decided when the batch is first taken.
    var runSize: Int?
    /// Slots before this one have been handed to instances.
    private(set) var firstUntaken = 0

    init(buffer: BatchBuffer) {
        self.buffer = buffer
        slots.reserveCapacity(buffer.capacity)
    }

    var isFull: Bool { slots.count == buffer.capacity }
    var isSettled: Bool { !slots.contains { if case .filling = $0.state { true } else { false } } }
    /// Ready requests not yet handed to an instance.
    var readyCount: Int { readyCount(from: firstUntaken) }
    var isExhausted: Bool { firstUntaken == slots.count }

    private func readyCount(from start: Int) -> Int {
        slots[start...].reduce(0) { if case .ready = $1.state { $0 + 1 } else { $0 } }
    }

    func reserve(deadline: ContinuousClock.Instant) -> Int {
        precondition(!isClosed && !isFull)
        slots.append(Slot(state: .filling, deadline: deadline))
        return slots.count - 1
    }

    /// Returns true when this is the batch's first ready request, which starts
    /// its queue-delay clock.
    func markReady(_ index: Int, at now: ContinuousClock.Instant,
                   continuation: CheckedContinuation<BatchItemResult, any Error>) -> Bool {
        let first = readyCount == 0
        slots[index].state = .ready(continuation: continuation)
        slots[index].readyAt = now
        return first
    }

    func markAbandoned(_ index: Int) {
        slots[index].state = .abandoned
    }

    /// Hands out the next untaken slots, up to `limit` ready ones; gaps that
    /// would be left at the end go with them, so the batch is exhausted once
    /// its last ready request is taken.
    func take(readyLimit limit: Int) -> (slots: Range<Int>, ready: Int) {
        precondition(isSettled && limit > 0)
        var end = firstUntaken
        var ready = 0
        while end < slots.count, ready < limit {
            if case .ready = slots[end].state { ready += 1 }
            end += 1
        }
        if readyCount(from: end) == 0 { end = slots.count }
        defer { firstUntaken = end }
        return (firstUntaken..<end, ready)
    }
}
