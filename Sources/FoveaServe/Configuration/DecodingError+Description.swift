import Foundation

extension DecodingError {
    /// The dotted key path (`models[0].batching.timeout_ms`) and a short
    /// reason, for messages that point a person at the exact field to fix —
    /// in a YAML file or in a JSON request body alike.
    var keyAndReason: (key: String, reason: String)? {
        switch self {
        case .typeMismatch(let type, let context):
            (Self.path(context.codingPath), "expected \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            (Self.path(context.codingPath), "expected \(Self.typeName(type)), found nothing")
        case .keyNotFound(let key, let context):
            (Self.path(context.codingPath + [key]), "required key is missing")
        case .dataCorrupted(let context):
            (Self.path(context.codingPath), context.debugDescription)
        @unknown default:
            nil
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        let keys = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return keys.isEmpty ? "(top level)" : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "a value of type \(type)"
        }
    }
}
