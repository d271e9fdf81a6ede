import Synchronization

/// What the server needs from a connection without knowing its transport.
protocol ManagedConnection: AnyObject, Sendable {
    /// Uptime in nanoseconds at which the connection's current timeout fires.
    var deadline: UInt64 { get }
    /// Re-checks the timeout on the connection's own queue.
    func expire()
    /// Stop taking new requests: close now if idle, else after the current response.
    func beginDrain()
    func forceClose()
}

/// The open connections, shared by the acceptor (limit and insertion), the
/// connections themselves (removal on close) and the timeout sweep.
final class ConnectionRegistry: Sendable {
    private let connections = Mutex<[ObjectIdentifier: any ManagedConnection]>([:])

    var count: Int { connections.withLock { $0.count } }

    func add(_ connection: any ManagedConnection) {
        connections.withLock { $0[ObjectIdentifier(connection)] = connection }
    }

    func remove(_ connection: any ManagedConnection) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    func snapshot() -> [any ManagedConnection] {
        connections.withLock { Array($0.values) }
    }
}
