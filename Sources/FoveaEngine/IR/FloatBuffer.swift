/// Float32 elements that are either owned or a view into a mapped model file.
///
/// Keeping the file view avoids a copy of every weight at load time; the
/// bytes are converted only when a kernel actually needs them.
public struct FloatBuffer: Sendable {
    private enum Backing: Sendable {
        case array([Float])
        /// Little-endian float32 bytes; may be unaligned inside the file.
        case bytes(ByteSlice)
    }

    private let backing: Backing

    public init(_ values: [Float]) { backing = .array(values) }

    /// `bytes.count` must be a multiple of 4.
    public init(littleEndianBytes bytes: ByteSlice) {
        precondition(bytes.count % 4 == 0)
        backing = .bytes(bytes)
    }

    public var count: Int {
        switch backing {
        case .array(let values): return values.count
        case .bytes(let bytes): return bytes.count / 4
        }
    }

    /// Calls `body` with contiguous floats. A misaligned file view is copied
    /// first because binding unaligned memory to `Float` is undefined.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        switch backing {
        case .array(let values):
            return try values.withUnsafeBufferPointer(body)
        case .bytes(let bytes):
            return try bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
                    return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: raw.count / 4))
                }
                let copy = (0..<(raw.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
                return try copy.withUnsafeBufferPointer(body)
            }
        }
    }

    /// The mapped file these floats are read from, if they are a file view.
    var mappedStorage: ByteStorage? {
        guard case .bytes(let bytes) = backing, bytes.storage.isFileMapping else { return nil }
        return bytes.storage
    }

    public var array: [Float] {
        switch backing {
        case .array(let values): return values
        case .bytes: return withUnsafeBufferPointer { Array($0) }
        }
    }
}
