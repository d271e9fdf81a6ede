/// A graph input, output or intermediate value with its declared type.
public struct ONNXValueInfo: Sendable {
    public enum Dimension: Sendable, Equatable, CustomStringConvertible {
        case value(Int)
        /// Symbolic (e.g. "batch_size") or missing dimension.
        case symbolic(String)

        public var description: String {
            switch self {
            case .value(let value): return String(value)
            case .symbolic(let name): return name.isEmpty ? "?" : name
            }
        }
    }

    public var name: String
    public var elementType: ONNXDataType?
    /// Nil when the model declares no shape at all.
    public var shape: [Dimension]?
}
