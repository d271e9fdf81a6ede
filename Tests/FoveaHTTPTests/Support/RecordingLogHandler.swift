import Logging
import Synchronization

/// Captures log records so tests can assert on structured access-log fields.
struct RecordingLogHandler: LogHandler {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    /// Shared sink; a Mutex because the server logs from its connection queues.
    final class Sink: Sendable {
        private let storage = Mutex<[Record]>([])
        var records: [Record] { storage.withLock { $0 } }
        func append(_ record: Record) { storage.withLock { $0.append(record) } }
    }

    let sink: Sink
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var flattened: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            flattened[key] = "\(value)"
        }
        sink.append(Record(level: event.level, message: "\(event.message)", metadata: flattened))
    }
}
