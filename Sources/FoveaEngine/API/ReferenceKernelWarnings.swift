import Foundation
import Logging

/// Warns, once per node of a model, about plan steps oneDNN runs on a
/// reference kernel: the plan is correct but that step is 10–1000× slower
/// than it would be on a JIT kernel. Plans avoid them wherever oneDNN has
/// anything else, so a warning names an operation and shape oneDNN 2.6
/// lacks a fast kernel for on this CPU. Shared by an engine and its instances.
final class ReferenceKernelWarnings: @unchecked Sendable {
    private let logger: Logger?
    private let lock = NSLock()
    private var warned: Set<String> = []

    init(logger: Logger?) { self.logger = logger }

    func check(_ plan: ExecutionPlan, model: String) {
        guard let logger else { return }
        for step in plan.referenceSteps {
            lock.lock()
            let isNew = warned.insert(step.node).inserted
            lock.unlock()
            guard isNew else { continue }
            logger.warning("oneDNN has only a reference kernel for this step: it runs 10–1000× slower than its other kernels", metadata: [
                "path": "\(model)", "node": "\(step.node)", "operation": "\(step.operation)", "shapes": "\(step.shapes)",
                "implementation": "\(step.implementation)", "batch_size": "\(plan.batchSize)",
            ])
        }
    }
}
