/// A file could not be opened or mapped into memory.
public struct FileMappingError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public var description: String { "cannot read '\(path)': \(reason)" }
}
