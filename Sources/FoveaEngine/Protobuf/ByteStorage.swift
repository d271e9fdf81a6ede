import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Immutable bytes that either come from a memory-mapped file or from an owned
/// allocation.
///
/// Model files can be hundreds of megabytes; mapping them lets the kernel page
/// weights in on demand and lets every decoded tensor refer back into the file
/// instead of copying, so weights are never held twice. The storage is never
/// written after creation, which is what makes the `@unchecked Sendable` sound.
public final class ByteStorage: @unchecked Sendable {
    /// Start of the bytes; valid for the lifetime of `self`.
    let base: UnsafeRawPointer?
    public let count: Int
    /// Whether the bytes are a read-only file mapping (as opposed to owned memory).
    let isFileMapping: Bool
    private let release: @Sendable (UnsafeRawPointer?, Int) -> Void

    private init(base: UnsafeRawPointer?, count: Int, isFileMapping: Bool = false,
                 release: @escaping @Sendable (UnsafeRawPointer?, Int) -> Void) {
        self.base = base
        self.count = count
        self.isFileMapping = isFileMapping
        self.release = release
    }

    /// Unmaps the file's pages holding `range` (all by default) from this
    /// process without changing the bytes: they stay in the page cache and
    /// are faulted in again on the next read, so pages shared with
    /// neighbouring bytes may go too. Used once weights were converted, so
    /// that resident memory does not count them twice. No effect on owned
    /// memory.
    func dropResidentPages(in range: Range<Int>? = nil) {
        guard isFileMapping, let base else { return }
        let range = range ?? 0..<count
        guard !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound / page * page
        let end = min(count, (range.upperBound + page - 1) / page * page)
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, Int32(MADV_DONTNEED))
    }

    deinit { release(base, count) }

    /// Copies `bytes` into a fresh allocation.
    public convenience init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        let count = bytes.count
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        let typed = memory.bindMemory(to: UInt8.self, capacity: max(count, 1))
        _ = UnsafeMutableBufferPointer(start: typed, count: count).initialize(from: bytes)
        self.init(base: UnsafeRawPointer(memory), count: count) { pointer, _ in
            UnsafeMutableRawPointer(mutating: pointer)?.deallocate()
        }
    }

    /// Maps the whole file read-only. Empty files get an empty storage because
    /// `mmap` refuses zero-length mappings.
    public static func mapping(fileAt path: String) throws -> ByteStorage {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FileMappingError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileMappingError(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw FileMappingError(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        if size == 0 { return ByteStorage(copying: [UInt8]()) }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw FileMappingError(path: path, reason: String(cString: strerror(errno)))
        }
        return ByteStorage(base: UnsafeRawPointer(mapped), count: size, isFileMapping: true) { pointer, length in
            if let pointer { munmap(UnsafeMutableRawPointer(mutating: pointer), length) }
        }
    }

    /// Reads one byte; callers have already checked `offset < count`.
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        base!.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Unaligned little-endian load; callers have checked bounds.
    @inline(__always)
    func loadLittleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(littleEndian: base!.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// Gives `body` a view of `range`; the view must not escape.
    func withBytes<R>(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        guard let base else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }
}

/// A window into a `ByteStorage`; cheap to copy, keeps the storage alive.
public struct ByteSlice: Sendable {
    public let storage: ByteStorage
    public let range: Range<Int>

    public init(storage: ByteStorage, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= storage.count)
        self.storage = storage
        self.range = range
    }

    public init(storage: ByteStorage) {
        self.init(storage: storage, range: 0..<storage.count)
    }

    public var count: Int { range.count }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withBytes(in: range, body)
    }

    public func slice(_ subrange: Range<Int>) -> ByteSlice {
        ByteSlice(storage: storage, range: (range.lowerBound + subrange.lowerBound)..<(range.lowerBound + subrange.upperBound))
    }

    public var string: String {
        withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}
