import Dispatch
import XCTest
@testable import FoveaServe

/// Submits a request whose "image" is `value` in every element.
private func submit(_ scheduler: BatchScheduler, value: Float) async throws -> BatchItemResult {
    try await scheduler.submit { slot in
        for i in slot.indices { slot[i] = value }
    }
}

/// Submits such a request whose decoding lasts until `gate` opens.
private func submit(_ scheduler: BatchScheduler, value: Float, decodingUntil gate: Gate) async throws -> BatchItemResult {
    try await scheduler.submit { slot in
        await gate.wait()
        for i in slot.indices { slot[i] = value }
    }
}

/// Submits six requests that finish decoding together and returns once each
/// of the two gated instances has started a batch of them. Tests release
/// more batches than they expect, so a scheduler that runs extra batches
/// fails their assertions instead of hanging.
private func occupyBothInstances(_ scheduler: BatchScheduler,
                                 _ executors: [EchoExecutor]) async throws -> [Task<BatchItemResult, any Error>] {
    let decodingMayFinish = Gate()
    let busy = (1...6).map { value in
        Task { try await submit(scheduler, value: Float(value), decodingUntil: decodingMayFinish) }
    }
    while scheduler.queueDepth < 6 { try await Task.sleep(for: .milliseconds(2)) }
    await decodingMayFinish.open()
    for executor in executors { await executor.waitUntilStarted() }
    return busy
}

final class BatchSchedulerTests: XCTestCase {
    private func settings(batch: Int = 4, delayMs: Int = 20, capacity: Int = 16,
                          timeoutMs: Int = 5000) -> BatchingSettings {
        BatchingSettings(maxBatchSize: batch, maxQueueDelay: .milliseconds(delayMs),
                         queueCapacity: capacity, timeout: .milliseconds(timeoutMs))
    }

    func testALoneRequestStartsAtOnceOnAnIdleInstance() async throws {
        let executor = EchoExecutor()
        let scheduler = BatchScheduler(settings: settings(delayMs: 10_000), executors: [executor])
        let result = try await submit(scheduler, value: 7)
        XCTAssertEqual(result.scores, [7])
        XCTAssertEqual(result.batchSize, 1)
        XCTAssertLessThan(result.queueWait, .seconds(1), "nobody else was coming: no reason to wait out the delay")
    }

    func testReadyRequestsWaitForTheirBatchsDecodingOnes() async throws {
        let executor = EchoExecutor()
        let scheduler = BatchScheduler(settings: settings(batch: 8, delayMs: 10_000), executors: [executor])
        let decodingMayFinish = Gate()
        let slow = Task {
            try await submit(scheduler, value: 9, decodingUntil: decodingMayFinish)
        }
        while scheduler.queueDepth < 1 { try await Task.sleep(for: .milliseconds(2)) }
        let ready = (1...2).map { value in Task { try await submit(scheduler, value: Float(value)) } }
        while scheduler.queueDepth < 3 { try await Task.sleep(for: .milliseconds(2)) }
        try await Task.sleep(for: .milliseconds(20))
        XCTAssertEqual(executor.observedBatchSizes, [], "the ready requests wait while one of theirs decodes")
        await decodingMayFinish.open()
        let slowResult = try await slow.value
        XCTAssertEqual(slowResult.scores, [9])
        for (offset, task) in ready.enumerated() {
            let result = try await task.value
            XCTAssertEqual(result.scores, [Float(offset + 1)])
        }
        XCTAssertEqual(executor.observedBatchSizes, [3], "they ran together as soon as the last one was ready")
    }

    func testAfterTheDelayNewcomersNoLongerJoin() async throws {
        let executor = EchoExecutor()
        let scheduler = BatchScheduler(settings: settings(batch: 8, delayMs: 10), executors: [executor])
        let decodingMayFinish = Gate()
        let slow = Task {
            try await submit(scheduler, value: 9, decodingUntil: decodingMayFinish)
        }
        while scheduler.queueDepth < 1 { try await Task.sleep(for: .milliseconds(2)) }
        let ready = Task { try await submit(scheduler, value: 1) }
        while scheduler.queueDepth < 2 { try await Task.sleep(for: .milliseconds(2)) }
        try await Task.sleep(for: .milliseconds(60))  // well past the delay
        let newcomer = Task { try await submit(scheduler, value: 2) }
        while scheduler.queueDepth < 3 { try await Task.sleep(for: .milliseconds(2)) }
        await decodingMayFinish.open()
        _ = try await slow.value
        let readyResult = try await ready.value
        let newcomerResult = try await newcomer.value
        XCTAssertEqual(readyResult.batchSize, 2)
        XCTAssertEqual(newcomerResult.batchSize, 1, "the newcomer formed the next batch")
        XCTAssertEqual(executor.observedBatchSizes, [2, 1])
    }

    func testConcurrentRequestsShareOneBatchAndGetTheirOwnRows() async throws {
        let executor = EchoExecutor()
        let scheduler = BatchScheduler(settings: settings(batch: 4, delayMs: 500), executors: [executor])
        let decodingMayFinish = Gate()
        let tasks = ([1, 2, 3, 4] as [Float]).map { value in
            Task {
                let result = try await submit(scheduler, value: value, decodingUntil: decodingMayFinish)
                return (value, result)
            }
        }
        while scheduler.queueDepth < 4 { try await Task.sleep(for: .milliseconds(2)) }
        await decodingMayFinish.open()
        for task in tasks {
            let (value, result) = try await task.value
            XCTAssertEqual(result.scores, [value], "each request gets the row of its own input")
            XCTAssertEqual(result.batchSize, 4)
        }
        XCTAssertEqual(executor.observedBatchSizes, [4], "a full batch starts without waiting for the delay")
    }

    func testRequestsArrivingWhileTheInstanceIsBusyFormTheNextBatch() async throws {
        let executor = EchoExecutor(gated: true)
        let scheduler = BatchScheduler(settings: settings(batch: 8, delayMs: 1), executors: [executor])
        let first = Task { try await submit(scheduler, value: 100) }
        await executor.waitUntilStarted()  // the only instance is now busy
        let rest = (1...5).map { value in Task { try await submit(scheduler, value: Float(value)) } }
        while scheduler.queueDepth < 5 { try await Task.sleep(for: .milliseconds(2)) }
        try await Task.sleep(for: .milliseconds(20))  // well past the queue delay
        executor.release(batches: 2)
        _ = try await first.value
        for (offset, task) in rest.enumerated() {
            let result = try await task.value
            XCTAssertEqual(result.scores, [Float(offset + 1)])
            XCTAssertEqual(result.batchSize, 5)
        }
        XCTAssertEqual(executor.observedBatchSizes, [1, 5])
    }

    func testAFullQueueRefusesAtOnce() async throws {
        let executor = EchoExecutor(gated: true)
        let scheduler = BatchScheduler(settings: settings(batch: 2, delayMs: 1, capacity: 2), executors: [executor])
        let running = Task { try await submit(scheduler, value: 1) }
        await executor.waitUntilStarted()
        let queued = (0..<2).map { _ in Task { try await submit(scheduler, value: 2) } }
        while scheduler.queueDepth < 2 { try await Task.sleep(for: .milliseconds(2)) }
        do {
            _ = try await submit(scheduler, value: 3)
            XCTFail("a third waiting request exceeds the capacity of 2")
        } catch let error as SchedulingError {
            XCTAssertEqual(error, .queueFull(capacity: 2))
        }
        executor.release(batches: 2)
        _ = try await running.value
        for task in queued { _ = try await task.value }
    }

    func testAFullQueueRefusesWhileTheAdmittedRequestsAreStillDecoding() async throws {
        let scheduler = BatchScheduler(settings: settings(batch: 4, delayMs: 1, capacity: 2), executors: [EchoExecutor()])
        let decodingMayFinish = Gate()
        let decoding = (0..<2).map { _ in
            Task {
                try await submit(scheduler, value: 5, decodingUntil: decodingMayFinish)
            }
        }
        while scheduler.queueDepth < 2 { try await Task.sleep(for: .milliseconds(2)) }
        do {
            _ = try await submit(scheduler, value: 3)
            XCTFail("both slots are taken by requests still decoding")
        } catch let error as SchedulingError {
            XCTAssertEqual(error, .queueFull(capacity: 2), "refused without waiting for their decodes")
        }
        await decodingMayFinish.open()
        for task in decoding {
            let result = try await task.value
            XCTAssertEqual(result.scores, [5])
        }
    }

    func testARequestPastItsDeadlineIsDroppedBeforeInference() async throws {
        let executor = EchoExecutor(gated: true)
        let scheduler = BatchScheduler(settings: settings(delayMs: 1, timeoutMs: 30), executors: [executor])
        let running = Task { try await submit(scheduler, value: 1) }
        await executor.waitUntilStarted()
        let late = Task { try await submit(scheduler, value: 2) }
        while scheduler.queueDepth < 1 { try await Task.sleep(for: .milliseconds(2)) }
        try await Task.sleep(for: .milliseconds(60))
        executor.release()
        _ = try await running.value
        do {
            _ = try await late.value
            XCTFail("the queued request outlived its 30 ms deadline")
        } catch let error as SchedulingError {
            XCTAssertEqual(error, .deadlineExceeded(timeoutMilliseconds: 30))
        }
        XCTAssertEqual(executor.observedBatchSizes, [1], "the expired request never reached the network")
    }

    func testAFailedDecodeLeavesNoGapInTheBatch() async throws {
        struct BadImage: Error {}
        let executor = EchoExecutor()
        let scheduler = BatchScheduler(settings: settings(batch: 3, delayMs: 200), executors: [executor])
        async let a = submit(scheduler, value: 1)
        async let bad: BatchItemResult = scheduler.submit { _ in throw BadImage() }
        async let c = submit(scheduler, value: 3)
        async let d = submit(scheduler, value: 4)
        let (ra, rc, rd) = try await (a, c, d)
        do {
            _ = try await bad
            XCTFail("the failing fill must surface its own error")
        } catch is BadImage {}
        let values = [ra, rc, rd].map(\.scores)
        XCTAssertEqual(Set(values.map { $0[0] }), [1, 3, 4])
        XCTAssertEqual(executor.observedBatchSizes.reduce(0, +), 3, "only live inputs were run")
    }

    func testInferenceFailureReachesEveryRequestOfTheBatch() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "kernel exploded" } }
        let scheduler = BatchScheduler(settings: settings(delayMs: 1), executors: [EchoExecutor(failure: Broken())])
        do {
            _ = try await submit(scheduler, value: 1)
            XCTFail("expected the executor's failure")
        } catch let error as SchedulingError {
            XCTAssertEqual(error, .inferenceFailed("kernel exploded"))
        }
    }

    func testDrainFinishesAcceptedRequestsAndRefusesNewOnes() async throws {
        let executor = EchoExecutor()
        let scheduler = BatchScheduler(settings: settings(batch: 8, delayMs: 10_000), executors: [executor])
        let decodingMayFinish = Gate()
        let accepted = Task {
            try await submit(scheduler, value: 5, decodingUntil: decodingMayFinish)
        }
        while scheduler.queueDepth < 1 { try await Task.sleep(for: .milliseconds(1)) }
        let clock = ContinuousClock()
        let drained = Task {
            await scheduler.drain()
            return clock.now
        }
        try await Task.sleep(for: .milliseconds(20))
        let decodeEnded = clock.now
        await decodingMayFinish.open()
        let drainEnded = await drained.value
        XCTAssertGreaterThanOrEqual(drainEnded, decodeEnded, "drain waited for the request still decoding")
        let result = try await accepted.value
        XCTAssertEqual(result.scores, [5])
        do {
            _ = try await submit(scheduler, value: 6)
            XCTFail("a drained scheduler accepts nothing")
        } catch let error as SchedulingError {
            XCTAssertEqual(error, .stopped)
        }
    }

    func testBatchesAdmittedTogetherRunConcurrentlyEachOnItsInstancesShare() async throws {
        let executors = [EchoExecutor(gated: true), EchoExecutor(gated: true)]
        let scheduler = BatchScheduler(settings: settings(batch: 1, delayMs: 0), executors: executors)
        let decodingMayFinish = Gate()
        let tasks = (0..<2).map { value in
            Task { try await submit(scheduler, value: Float(value), decodingUntil: decodingMayFinish) }
        }
        while scheduler.queueDepth < 2 { try await Task.sleep(for: .milliseconds(2)) }
        await decodingMayFinish.open()
        // Both instances must be busy at the same time for this to proceed.
        await executors[0].waitUntilStarted()
        await executors[1].waitUntilStarted()
        executors.forEach { $0.release() }
        for task in tasks { _ = try await task.value }
        XCTAssertEqual(executors.flatMap(\.observedCoreShares), [.instanceShare, .instanceShare])
    }

    func testABatchWithNothingBehindItIsSplitAcrossTheInstances() async throws {
        struct Undecodable: Error {}
        let executors = [EchoExecutor(gated: true), EchoExecutor(gated: true)]
        let scheduler = BatchScheduler(settings: settings(batch: 8, delayMs: 10_000), executors: executors)
        let decodingMayFinish = Gate()
        let tasks = (1...6).map { value in
            Task {
                try await scheduler.submit { slot in
                    await decodingMayFinish.wait()
                    if value == 2 { throw Undecodable() }
                    for i in slot.indices { slot[i] = Float(value) }
                }
            }
        }
        while scheduler.queueDepth < 6 { try await Task.sleep(for: .milliseconds(2)) }
        await decodingMayFinish.open()
        // Both halves must run at the same time for this to proceed.
        await executors[0].waitUntilStarted()
        await executors[1].waitUntilStarted()
        executors.forEach { $0.release() }
        var sizes: [Int] = []
        for (offset, task) in tasks.enumerated() {
            let value = Float(offset + 1)
            guard value != 2 else {
                do {
                    _ = try await task.value
                    XCTFail("the request whose decoding failed gets its error")
                } catch is Undecodable {}
                continue
            }
            let result = try await task.value
            XCTAssertEqual(result.scores, [value], "each request gets the row of its own input, in either half")
            sizes.append(result.batchSize)
        }
        XCTAssertEqual(executors.flatMap(\.observedBatchSizes).sorted(), [2, 3], "five ready requests, two instances")
        XCTAssertEqual(sizes.sorted(), [2, 2, 3, 3, 3])
        XCTAssertEqual(executors.flatMap(\.observedCoreShares), [.instanceShare, .instanceShare])
    }

    func testABatchWithRequestsWaitingBehindItRunsWholeOnOneInstance() async throws {
        let executors = [EchoExecutor(), EchoExecutor()]
        let scheduler = BatchScheduler(settings: settings(batch: 4, delayMs: 10_000), executors: executors)
        let firstMayFinish = Gate()
        let secondMayFinish = Gate()
        let full = (1...4).map { value in
            Task { try await submit(scheduler, value: Float(value), decodingUntil: firstMayFinish) }
        }
        while scheduler.queueDepth < 4 { try await Task.sleep(for: .milliseconds(2)) }
        let behind = Task { try await submit(scheduler, value: 5, decodingUntil: secondMayFinish) }
        while scheduler.queueDepth < 5 { try await Task.sleep(for: .milliseconds(2)) }
        await firstMayFinish.open()
        for task in full {
            let result = try await task.value
            XCTAssertEqual(result.batchSize, 4)
        }
        await secondMayFinish.open()
        let behindResult = try await behind.value
        XCTAssertEqual(behindResult.scores, [5])
        XCTAssertEqual(executors.flatMap(\.observedBatchSizes).sorted(), [1, 4],
                       "the full batch kept one instance busy and left the other for the request behind it")
    }

    func testWhileAnotherBatchRunsAReadyBatchWaitsOutTheDelayForLateArrivals() async throws {
        let executors = [EchoExecutor(gated: true), EchoExecutor(gated: true)]
        let scheduler = BatchScheduler(settings: settings(batch: 3, delayMs: 300), executors: executors)
        let busy = try await occupyBothInstances(scheduler, executors)
        XCTAssertEqual(executors.map(\.observedBatchSizes), [[3], [3]])
        executors[1].release(batches: 4)  // the first instance keeps running its batch
        try await Task.sleep(for: .milliseconds(50))

        let early = Task { try await submit(scheduler, value: 10) }
        while scheduler.queueDepth < 1 { try await Task.sleep(for: .milliseconds(2)) }
        try await Task.sleep(for: .milliseconds(50))
        XCTAssertEqual(executors[1].observedBatchSizes, [3],
                       "with a larger batch running, more requests are likely on their way: the ready one waits")
        let late = Task { try await submit(scheduler, value: 11) }
        let (earlyResult, lateResult) = (try await early.value, try await late.value)
        XCTAssertEqual(earlyResult.scores, [10])
        XCTAssertEqual(lateResult.scores, [11])
        XCTAssertEqual(earlyResult.batchSize, 2, "the late request joined it")
        XCTAssertGreaterThanOrEqual(earlyResult.queueWait, .milliseconds(250), "it closed when the delay ran out")
        XCTAssertEqual(executors[1].observedBatchSizes, [3, 2],
                       "with one instance idle, a batch with nothing behind it runs whole there")

        executors[0].release(batches: 4)
        for task in busy { _ = try await task.value }
        XCTAssertEqual(executors[0].observedBatchSizes, [3])
    }

    func testAReadyBatchAsLargeAsTheRunningOneStartsAtOnce() async throws {
        let executors = [EchoExecutor(gated: true), EchoExecutor(gated: true)]
        let scheduler = BatchScheduler(settings: settings(batch: 4, delayMs: 500), executors: executors)
        let busy = try await occupyBothInstances(scheduler, executors)
        XCTAssertEqual(executors.map(\.observedBatchSizes), [[2], [4]], "a full batch of 4, then the other 2")
        executors[1].release(batches: 4)  // the batch of 2 keeps running
        try await Task.sleep(for: .milliseconds(50))

        let groupMayFinish = Gate()
        let group = (10...11).map { value in
            Task { try await submit(scheduler, value: Float(value), decodingUntil: groupMayFinish) }
        }
        while scheduler.queueDepth < 2 { try await Task.sleep(for: .milliseconds(2)) }
        await groupMayFinish.open()
        for (offset, task) in group.enumerated() {
            let result = try await task.value
            XCTAssertEqual(result.scores, [Float(10 + offset)])
            XCTAssertEqual(result.batchSize, 2)
            XCTAssertLessThan(result.queueWait, .milliseconds(250),
                              "a group as large as the running batch is complete: no waiting out the delay")
        }
        executors[0].release(batches: 4)
        for task in busy { _ = try await task.value }
        XCTAssertEqual(executors[1].observedBatchSizes, [4, 2])
    }

    func testALoneRequestRunsOnAllCoresOfTheFirstInstanceAndHoldsTheOthersBack() async throws {
        let executors = [EchoExecutor(gated: true), EchoExecutor(gated: true)]
        let scheduler = BatchScheduler(settings: settings(batch: 1, delayMs: 0), executors: executors)
        let lone = Task { try await submit(scheduler, value: 1) }
        await executors[0].waitUntilStarted()
        XCTAssertEqual(executors[0].observedCoreShares, [.all], "nothing else was admitted or running")

        let later = Task { try await submit(scheduler, value: 2) }
        while scheduler.queueDepth < 1 { try await Task.sleep(for: .milliseconds(2)) }
        try await Task.sleep(for: .milliseconds(30))
        XCTAssertEqual(executors[1].observedBatchSizes, [], "the second instance waits while a batch has every core")

        executors[0].release(batches: 2)
        let (first, second) = (try await lone.value, try await later.value)
        XCTAssertEqual(first.scores, [1])
        XCTAssertEqual(second.scores, [2])
        XCTAssertEqual(executors[0].observedCoreShares, [.all, .all], "alone again once the first batch ended")
        XCTAssertEqual(executors[1].observedBatchSizes, [])
    }

    func testASingleInstanceAlwaysRunsOnItsShare() async throws {
        let executor = EchoExecutor()
        let scheduler = BatchScheduler(settings: settings(batch: 1, delayMs: 0), executors: [executor])
        _ = try await submit(scheduler, value: 1)
        XCTAssertEqual(executor.observedCoreShares, [.instanceShare], "its share is already every core")
    }
}

/// Holds asynchronous work until the test opens it.
private actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
