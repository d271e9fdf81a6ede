/// Misuse of a plan through the public API.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    case invalidBatchSize(Int)
    case inputCount(expected: Int, given: Int)
    case inputSize(name: String, expected: Int, given: Int)
    case batchIndexOutOfRange(index: Int, batchSize: Int)

    public var description: String {
        switch self {
        case .invalidBatchSize(let size): return "batch size must be at least 1, got \(size)"
        case .inputCount(let expected, let given): return "the model takes \(expected) input(s), \(given) given"
        case .inputSize(let name, let expected, let given):
            return "input '\(name)' needs \(expected) floats, \(given) given"
        case .batchIndexOutOfRange(let index, let batchSize):
            return "batch index \(index) is outside a batch of \(batchSize)"
        }
    }
}
