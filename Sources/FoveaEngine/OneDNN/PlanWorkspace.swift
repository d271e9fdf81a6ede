import Foundation

/// Memory for the activations and oneDNN scratchpads of all plans of one
/// engine, as large as the largest plan needs.
///
/// An engine is one model instance, and an instance runs one batch at a
/// time, so its plans never need their activations at the same moment. The
/// server prepares a plan for every batch size from 1 to the largest batch;
/// each with its own arena and scratchpad, resnet50's eight plans held
/// about 170 MB of activations, where the batch-8 plan alone needs 39 MB.
/// The price is that plans of one engine run one at a time (`exclusively`);
/// parallel inference takes several engines, as the server's instances are.
final class PlanWorkspace: @unchecked Sendable {
    private let lock = NSLock()
    private var base: UnsafeMutableRawPointer?
    private var capacity = 0
    private var plans: [OneDNNPlan] = []

    deinit { base?.deallocate() }

    /// Bytes currently reserved (the largest adopted plan's need).
    var bytes: Int { exclusively { capacity } }

    /// Points `plan`'s activations into the workspace. A plan needing more
    /// than the workspace has moves every plan into a larger one, while none
    /// of them runs.
    func adopt(_ plan: OneDNNPlan) throws {
        try exclusively {
            if plan.workspaceBytes > capacity || base == nil {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: max(plan.workspaceBytes, 64), alignment: 4096)
                do {
                    for bound in plans { try bound.bind(workspace: grown) }
                } catch {
                    if let base { for bound in plans { try? bound.bind(workspace: base) } }
                    grown.deallocate()
                    throw error
                }
                base?.deallocate()
                base = grown
                capacity = max(plan.workspaceBytes, 64)
            }
            try plan.bind(workspace: base!)
            plans.append(plan)
        }
    }

    /// Runs `body` while no other plan of this workspace runs.
    func exclusively<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
