import Dispatch
import Foundation
@testable import FoveaServe

/// A stand-in network: each output row is the first element of its input
/// slot, so a test can tell which request received which row. Optionally holds
/// every batch at a gate to simulate a busy instance.
final class EchoExecutor: BatchExecutor, @unchecked Sendable {
    let inputElementCount: Int
    private let lock = NSLock()
    private var batchSizes: [Int] = []  // guarded by `lock`
    private var coreShares: [CoreShare] = []  // guarded by `lock`
    private let gate: DispatchSemaphore?
    private let failure: (any Error)?
    private let started = DispatchSemaphore(value: 0)

    init(inputElementCount: Int = 4, gated: Bool = false, failure: (any Error)? = nil) {
        self.inputElementCount = inputElementCount
        self.gate = gated ? DispatchSemaphore(value: 0) : nil
        self.failure = failure
    }

    var observedBatchSizes: [Int] { lock.withLock { batchSizes } }
    var observedCoreShares: [CoreShare] { lock.withLock { coreShares } }

    /// Waits, without blocking the cooperative pool, until a batch has started.
    func waitUntilStarted() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.started.wait()
                continuation.resume()
            }
        }
    }

    func release(batches: Int = 1) {
        for _ in 0..<batches { gate?.signal() }
    }

    func run(input: UnsafePointer<Float>, batchSize: Int, cores: CoreShare) throws -> [[Float]] {
        lock.withLock {
            batchSizes.append(batchSize)
            coreShares.append(cores)
        }
        started.signal()
        gate?.wait()
        if let failure { throw failure }
        return (0..<batchSize).map { [input[$0 * inputElementCount]] }
    }
}
