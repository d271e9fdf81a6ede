import Synchronization

/// Whether the service should receive traffic: false until every configured
/// model is loaded and warmed, so a Kubernetes readiness probe keeps requests
/// away from a replica that would make them pay plan compilation.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    public init() {}

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    public func markReady() { ready.store(true, ordering: .releasing) }
    public func markNotReady() { ready.store(false, ordering: .releasing) }
}
