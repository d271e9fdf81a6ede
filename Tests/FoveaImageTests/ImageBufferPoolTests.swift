import Dispatch
@testable import FoveaImage
import Foundation
import XCTest

/// The pool hands out buffers in coarse size classes, reuses the ones given
/// back, keeps no more idle memory than its limit, and lets go of what has
/// been idle too long.
final class ImageBufferPoolTests: XCTestCase {
    func testSizeClassesCoverTheRequestWithinAnEighth() throws {
        XCTAssertEqual(ImageBufferPool.sizeClass(0), 4096)
        XCTAssertEqual(ImageBufferPool.sizeClass(1), 4096)
        XCTAssertEqual(ImageBufferPool.sizeClass(4097), 8192)
        XCTAssertEqual(ImageBufferPool.sizeClass(16 * 4096), 16 * 4096)
        XCTAssertEqual(ImageBufferPool.sizeClass(16 * 4096 + 1), 18 * 4096)
        XCTAssertNil(ImageBufferPool.sizeClass(Int.max))
        var previous = 0
        for bytes in Swift.stride(from: 1, through: 64 << 20, by: 9973) {
            let size = try XCTUnwrap(ImageBufferPool.sizeClass(bytes))
            XCTAssertGreaterThanOrEqual(size, bytes)
            XCTAssertLessThanOrEqual(Double(size), max(Double(bytes) * 1.125, Double(bytes + 4095)), "\(bytes)")
            XCTAssertEqual(size % 4096, 0)
            XCTAssertGreaterThanOrEqual(size, previous, "size classes grow with the request")
            previous = size
        }
        // Images of similar size share a class.
        XCTAssertEqual(ImageBufferPool.sizeClass(640 * 502 * 3), ImageBufferPool.sizeClass(640 * 480 * 3))
    }

    func testAGivenBackBufferIsHandedOutAgainWithoutMappingMore() throws {
        let pool = ImageBufferPool()
        var first: PooledBuffer? = try XCTUnwrap(pool.take(byteCount: 1_000_000))
        let address = first!.base
        first!.base.storeBytes(of: 42, as: UInt8.self)
        XCTAssertEqual(pool.idleBytes, 0)
        first = nil
        XCTAssertEqual(pool.idleBytes, pool.mappedBytes)
        let mapped = pool.mappedBytes

        let second = try XCTUnwrap(pool.take(byteCount: 990_000))
        XCTAssertEqual(second.base, address, "same size class: the idle buffer is reused")
        XCTAssertEqual(pool.mappedBytes, mapped)
        XCTAssertEqual(pool.idleBytes, 0)

        let other = try XCTUnwrap(pool.take(byteCount: 3_000_000))
        XCTAssertNotEqual(other.base, second.base)
        XCTAssertGreaterThan(pool.mappedBytes, mapped, "a buffer of another class is mapped afresh")
    }

    func testIdleMemoryStaysWithinTheLimitOldestUnmappedFirst() throws {
        let megabyte = try XCTUnwrap(ImageBufferPool.sizeClass(1 << 20))
        let pool = ImageBufferPool(idleByteLimit: 3 * megabyte)
        var buffers = try (0..<5).map { _ in try XCTUnwrap(pool.take(byteCount: 1 << 20)) }
        let newest = buffers.last!.base
        XCTAssertEqual(pool.mappedBytes, 5 * megabyte)
        buffers.removeAll()
        XCTAssertEqual(pool.idleBytes, 3 * megabyte)
        XCTAssertEqual(pool.mappedBytes, 3 * megabyte, "what exceeds the limit is unmapped")
        XCTAssertEqual(try XCTUnwrap(pool.take(byteCount: 1 << 20)).base, newest,
                       "the most recently returned buffer is kept and handed out first")

        let huge = try XCTUnwrap(pool.take(byteCount: 8 << 20))
        _ = huge
        XCTAssertGreaterThan(pool.mappedBytes, 8 << 20)
    }

    func testABufferLargerThanTheLimitIsUnmappedWhenGivenBack() throws {
        let pool = ImageBufferPool(idleByteLimit: 1 << 20)
        var huge: PooledBuffer? = try XCTUnwrap(pool.take(byteCount: 4 << 20))
        XCTAssertGreaterThanOrEqual(pool.mappedBytes, 4 << 20)
        huge = nil
        XCTAssertNil(huge)
        XCTAssertEqual(pool.mappedBytes, 0)
        XCTAssertEqual(pool.idleBytes, 0)
    }

    func testReleaseIdleUnmapsOnlyBuffersIdleLongerThanTheAge() throws {
        let pool = ImageBufferPool()
        var old: PooledBuffer? = try XCTUnwrap(pool.take(byteCount: 200_000))
        old = nil
        Thread.sleep(forTimeInterval: 0.05)
        var recent: PooledBuffer? = try XCTUnwrap(pool.take(byteCount: 2_000_000))
        recent = nil
        XCTAssertNil(old ?? recent)
        let recentBytes = try XCTUnwrap(ImageBufferPool.sizeClass(2_000_000))

        pool.releaseIdle(olderThan: .milliseconds(25))
        XCTAssertEqual(pool.idleBytes, recentBytes)
        XCTAssertEqual(pool.mappedBytes, recentBytes)
        pool.releaseIdle(olderThan: .zero)
        XCTAssertEqual(pool.mappedBytes, 0)
    }

    func testConcurrentTakersNeverShareABuffer() throws {
        let pool = ImageBufferPool(idleByteLimit: 8 << 20)
        let sizes = [100_000, 700_000, 1_000_000, 2_500_000]
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for round in 0..<500 {
                let bytes = sizes[(worker + round) % sizes.count]
                guard let buffer = pool.take(byteCount: bytes) else { return XCTFail("mapping \(bytes) bytes failed") }
                // Each taker stamps its buffer and must find only its own stamp.
                let words = buffer.base.bindMemory(to: Int.self, capacity: bytes / 8)
                let stamp = worker << 32 | round
                for index in Swift.stride(from: 0, to: bytes / 8, by: 512) { words[index] = stamp }
                for index in Swift.stride(from: 0, to: bytes / 8, by: 512) where words[index] != stamp {
                    return XCTFail("buffer shared between two takers")
                }
            }
        }
        XCTAssertLessThanOrEqual(pool.idleBytes, 8 << 20)
        XCTAssertEqual(pool.idleBytes, pool.mappedBytes, "every buffer came back")
    }

    func testPreprocessingTheSameUploadAgainMapsNothingNew() throws {
        let corpus = try ReferenceCorpus.load()
        let pool = ImageBufferPool()
        let spec = try PreprocessSpec(resize: .shorterSide(256), crop: (224, 224))
        let preprocessor = ImagePreprocessor(spec: spec, bufferPool: pool)
        var slot = [Float](repeating: 0, count: spec.elementCount)
        for name in ["jpeg_baseline_420", "png_rgba8"] {
            let bytes = try corpus.image(try XCTUnwrap(corpus[name]))
            _ = try slot.withUnsafeMutableBufferPointer { try preprocessor.process(bytes, into: $0) }
            let mapped = pool.mappedBytes
            let first = slot
            XCTAssertGreaterThan(mapped, 0, name)
            XCTAssertEqual(pool.idleBytes, mapped, "\(name): every buffer is back in the pool after the image")
            slot = [Float](repeating: -1, count: spec.elementCount)
            _ = try slot.withUnsafeMutableBufferPointer { try preprocessor.process(bytes, into: $0) }
            XCTAssertEqual(pool.mappedBytes, mapped, "\(name): the second decode reuses the first one's buffers")
            XCTAssertEqual(slot, first, "\(name): reused buffers give the same tensor")
        }
    }
}
