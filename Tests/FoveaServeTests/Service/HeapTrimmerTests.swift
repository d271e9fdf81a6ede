#if canImport(Glibc)
import Glibc
#endif
import XCTest
@testable import FoveaServe

/// Freed holes in the C heap return to the kernel when the trimmer runs,
/// instead of staying resident for as long as the process lives.
final class HeapTrimmerTests: XCTestCase {
    private static func residentBytes() throws -> Int {
        let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
        return Int(fields[1])! * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func testTrimReturnsFreedHeapHolesToTheKernel() throws {
        #if !canImport(Glibc)
        throw XCTSkip("malloc_trim is glibc's")
        #else
        // Freeing a large mmapped block raises glibc's mmap threshold past
        // it, so the blocks below come from the heap, as per-request
        // buffers do once a server has run a while.
        // Live blocks between the freed ones keep the holes from merging
        // into the heap's top, which glibc would shrink on its own.
        free(malloc(4 << 20))
        var blocks: [UnsafeMutableRawPointer] = [], pins: [UnsafeMutableRawPointer] = []
        for _ in 0..<64 {
            blocks.append(malloc(512 << 10)!)
            pins.append(malloc(200 << 10)!)
        }
        for block in blocks { memset(block, 1, 512 << 10) }
        for block in blocks { free(block) }
        defer { pins.forEach { free($0) } }
        let before = try Self.residentBytes()
        HeapTrimmer.trim()
        let after = try Self.residentBytes()
        XCTAssertGreaterThan(before - after, 16 << 20, "resident \(before >> 20) → \(after >> 20) MiB after freeing 32 MiB")
        #endif
    }
}
