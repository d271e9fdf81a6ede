@testable import FoveaEngine
import Foundation
import XCTest

/// Weights are read from a memory-mapped model file; once oneDNN holds its
/// own copies the engine drops the mapped pages from the resident set.
final class ByteStorageTests: XCTestCase {
    func testDroppingResidentPagesOfAMappedFileKeepsItsBytes() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-bytes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<3 * 4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))

        let storage = try ByteStorage.mapping(fileAt: path)
        XCTAssertTrue(storage.isFileMapping)
        let before = Array(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
        storage.dropResidentPages()
        let after = Array(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
        XCTAssertEqual(before, bytes)
        XCTAssertEqual(after, bytes)
    }

    func testDroppingTheResidentPagesOfARangeKeepsEveryByte() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-bytes-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = (0..<5 * 4096 + 100).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))

        let storage = try ByteStorage.mapping(fileAt: path)
        let tensor = FloatBuffer(littleEndianBytes: ByteSlice(storage: storage, range: 4100..<(4100 + 4 * 2500)))
        let values = tensor.array
        tensor.dropResidentPages()
        storage.dropResidentPages(in: (5 * 4096)..<(5 * 4096 + 100))
        XCTAssertEqual(Array(UnsafeRawBufferPointer(start: storage.base, count: storage.count)), bytes,
                       "pages around an unaligned range are faulted in again unchanged")
        XCTAssertEqual(tensor.array, values)
    }

    func testOwnedMemoryIsNotAFileMapping() {
        let storage = ByteStorage(copying: [1, 2, 3])
        XCTAssertFalse(storage.isFileMapping)
        storage.dropResidentPages()
        XCTAssertEqual(Array(UnsafeRawBufferPointer(start: storage.base, count: storage.count)), [1, 2, 3])
    }
}
