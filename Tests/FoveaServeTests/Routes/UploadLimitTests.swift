import Foundation
import XCTest
@testable import FoveaServe

/// Uploads that are too large are refused with 413 before they cost memory.
final class UploadLimitTests: XCTestCase {
    func testABodyOverTheLimitIsRefusedAndAHugeImageIsRefusedFromItsHeader() async throws {
        let service = try await Fixtures.startService(try Fixtures.defaultConfiguration {
            $0.server.limits.maxBodyBytes = 100_000
        })
        let base = "http://127.0.0.1:\(try XCTUnwrap(service.port))"

        let big = try curl("\(base)/classify", method: "POST", headers: ["Content-Type": "image/jpeg"],
                           bodyFile: try Fixtures.sharedImage("samoyed.jpg"))
        XCTAssertEqual(big.status, 413, big.body)
        XCTAssertTrue(big.body.contains(#""code":"body_too_large""#), big.body)

        // 20000×20000 declared in a 60-byte PNG: 400 megapixels.
        let bomb = FileManager.default.temporaryDirectory.appendingPathComponent("bomb-\(UUID().uuidString).png")
        try Data(Self.pngHeader(width: 20_000, height: 20_000)).write(to: bomb)
        defer { try? FileManager.default.removeItem(at: bomb) }
        let huge = try curl("\(base)/classify", method: "POST", headers: ["Content-Type": "image/png"], bodyFile: bomb.path)
        XCTAssertEqual(huge.status, 413, huge.body)
        XCTAssertTrue(huge.body.contains(#""code":"image_too_large""#), huge.body)
        XCTAssertEqual(try curl("\(base)/healthz").status, 200, "the service is unharmed")
        let metrics = try curl("\(base)/metrics").body
        XCTAssertTrue(metrics.contains(#"fovea_requests_total{route="unrouted",method="unknown",status="413"} 1"#),
                      "refusals by the HTTP layer are counted too:\n\(metrics)")
        XCTAssertTrue(metrics.contains(#"fovea_requests_total{route="/classify",method="POST",status="413"} 1"#), metrics)
        await service.shutdown()
    }

    /// A PNG signature, an IHDR for an 8-bit RGB image of the given size and a
    /// truncated IDAT: enough for a decoder to read the dimensions.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
        }
        let ihdr = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", [0x78, 0x9C])
    }

    /// CRC-32 as PNG chunks use it (polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
