/// Float32 elements that are either owned, a view into a mapped model file,
/// or a per-row rescaling of another buffer computed when read.
///
/// Keeping the file view avoids a copy of every weight at load time; the
/// bytes are converted only when a kernel actually needs them.
public struct FloatBuffer: Sendable {
    private indirect enum Backing: Sendable {
        case array([Float])
        /// Little-endian float32 bytes; may be unaligned inside the file.
        case bytes(ByteSlice)
        /// Row r of `source` times `scales[r]`, rows of equal length.
        case scaledRows(FloatBuffer, scales: [Float])
    }

    private let backing: Backing

    public init(_ values: [Float]) { backing = .array(values) }

    /// `bytes.count` must be a multiple of 4.
    public init(littleEndianBytes bytes: ByteSlice) {
        precondition(bytes.count % 4 == 0)
        backing = .bytes(bytes)
    }

    /// `source` split into `scales.count` equal rows, row r multiplied by
    /// `scales[r]`, kept as that recipe rather than as values.
    ///
    /// BatchNorm folding rescales every convolution's weights: held as
    /// arrays they would be a second copy of the model's weights, alive for
    /// as long as the model, while only plan compilation reads them (the
    /// plans keep their own converted copies). Recomputed on each read, they
    /// cost a multiplication per weight per plan and no memory.
    public init(scalingRowsOf source: FloatBuffer, by scales: [Float]) {
        precondition(!scales.isEmpty && source.count % scales.count == 0, "\(source.count) values do not split into \(scales.count) rows")
        backing = .scaledRows(source, scales: scales)
    }

    public var count: Int {
        switch backing {
        case .array(let values): return values.count
        case .bytes(let bytes): return bytes.count / 4
        case .scaledRows(let source, _): return source.count
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
        case .scaledRows:
            return try array.withUnsafeBufferPointer(body)
        }
    }

    /// The mapped file these floats are read from, if they are a file view.
    var mappedStorage: ByteStorage? {
        switch backing {
        case .bytes(let bytes): return bytes.storage.isFileMapping ? bytes.storage : nil
        case .scaledRows(let source, _): return source.mappedStorage
        case .array: return nil
        }
    }

    /// Lets the file pages these floats are read from leave the resident
    /// set (see `ByteStorage.dropResidentPages`); nothing for owned floats.
    func dropResidentPages() {
        switch backing {
        case .bytes(let bytes): bytes.storage.dropResidentPages(in: bytes.range)
        case .scaledRows(let source, _): source.dropResidentPages()
        case .array: break
        }
    }

    public var array: [Float] {
        switch backing {
        case .array(let values): return values
        case .bytes: return withUnsafeBufferPointer { Array($0) }
        case .scaledRows(let source, let scales):
            let rowLength = source.count / scales.count
            return source.withUnsafeBufferPointer { values in
                Array(unsafeUninitializedCapacity: values.count) { scaled, initialized in
                    for (row, scale) in scales.enumerated() {
                        for index in (row * rowLength)..<((row + 1) * rowLength) { scaled[index] = values[index] * scale }
                    }
                    initialized = values.count
                }
            }
        }
    }
}
