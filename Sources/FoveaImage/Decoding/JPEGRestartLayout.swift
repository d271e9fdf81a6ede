import Foundation

/// Where a sequential JPEG's restart intervals start, when each interval is
/// a whole number of MCU rows: the image then splits into horizontal strips
/// that decode independently (see `StripedJPEGDecoding`).
///
/// Huffman decoding is inherently serial, and it dominates large photos. A
/// restart marker resets the decoder's state (DC predictors, bit buffer), so
/// the data after one can be decoded without the data before it. Cameras and
/// Photoshop commonly write one every MCU row; libjpeg cannot start at a
/// marker, but a copy of the headers with the strip's height followed by the
/// strip's intervals is a valid JPEG of just those rows.
///
/// Only single-scan baseline/extended Huffman files qualify: progressive
/// files spread every block over many scans, and arithmetic coding is rare.
/// Anything unexpected yields nil, and the file takes the ordinary path,
/// which reports real damage properly.
struct JPEGRestartLayout {
    /// Image height from the frame header.
    let height: Int
    /// Full-resolution rows per restart interval (the last one may be shorter).
    let intervalRows: Int
    /// Chroma is subsampled: libjpeg smooths it across row boundaries, so a
    /// strip must be decoded with one neighbouring interval on each side.
    let subsampled: Bool
    /// Byte offset of each interval's first entropy-coded byte.
    let intervalStarts: [Int]
    /// Byte offset of the marker ending each interval (RSTn, or the marker
    /// after the scan for the last one).
    let intervalEnds: [Int]
    /// Byte offset of the frame header's height field.
    private let heightField: Int

    var intervalCount: Int { intervalStarts.count }

    init?(_ bytes: UnsafeRawBufferPointer) {
        let data = bytes.bindMemory(to: UInt8.self)
        guard data.count > 4, data[0] == 0xFF, data[1] == 0xD8 else { return nil }
        var position = 2
        var frame: (heightField: Int, width: Int, height: Int, components: [(h: Int, v: Int)])?
        var restartInterval = 0
        // Segments up to the first scan.
        while true {
            while position + 1 < data.count, data[position] == 0xFF, data[position + 1] == 0xFF { position += 1 }
            guard position + 4 <= data.count, data[position] == 0xFF else { return nil }
            let marker = data[position + 1]
            let length = Int(data[position + 2]) << 8 | Int(data[position + 3])
            let payload = position + 4
            guard length >= 2, position + 2 + length <= data.count else { return nil }
            switch marker {
            case 0xC0, 0xC1:
                guard length >= 8 else { return nil }
                let count = Int(data[payload + 5])
                guard data[payload] == 8, length >= 8 + 3 * count, count >= 1 else { return nil }
                let components = (0..<count).map { index in
                    let factors = data[payload + 6 + 3 * index + 1]
                    return (h: Int(factors >> 4), v: Int(factors & 0x0F))
                }
                frame = (payload + 1, Int(data[payload + 3]) << 8 | Int(data[payload + 4]),
                         Int(data[payload + 1]) << 8 | Int(data[payload + 2]), components)
            case 0xC2, 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                return nil
            case 0xDD:
                guard length == 4 else { return nil }
                restartInterval = Int(data[payload]) << 8 | Int(data[payload + 1])
            case 0xDA:
                guard let frame, restartInterval > 0, frame.width > 0, frame.height > 0,
                      Int(data[payload]) == frame.components.count,
                      frame.components.allSatisfy({ (1...4).contains($0.h) && (1...4).contains($0.v) }) else {
                    return nil
                }
                // A single-component scan is not interleaved: its MCU is one block.
                let maxH = frame.components.count == 1 ? 1 : frame.components.map(\.h).max()!
                let maxV = frame.components.count == 1 ? 1 : frame.components.map(\.v).max()!
                let mcusPerRow = (frame.width + 8 * maxH - 1) / (8 * maxH)
                guard restartInterval % mcusPerRow == 0 else { return nil }
                let intervalRows = restartInterval / mcusPerRow * 8 * maxV
                let expected = (frame.height + intervalRows - 1) / intervalRows
                guard let (starts, ends) = Self.intervals(data, from: position + 2 + length),
                      starts.count == expected else { return nil }
                height = frame.height
                self.intervalRows = intervalRows
                subsampled = frame.components.contains { $0.h != frame.components[0].h || $0.v != frame.components[0].v }
                intervalStarts = starts
                intervalEnds = ends
                heightField = frame.heightField
                return
            case 0xD8, 0xD9, 0x01, 0xD0...0xD7:
                return nil
            default:
                break
            }
            position += 2 + length
        }
    }

    /// Scans entropy-coded data for restart markers, skipping stuffed 0xFF00
    /// bytes and fill bytes; stops at the first other marker.
    private static func intervals(_ data: UnsafeBufferPointer<UInt8>, from start: Int) -> ([Int], [Int])? {
        var starts = [start], ends: [Int] = []
        var position = start
        let base = UnsafeRawPointer(data.baseAddress!)
        while position < data.count {
            guard let found = memchr(base + position, 0xFF, data.count - position) else { return nil }
            position = base.distance(to: found)
            guard position + 1 < data.count else { return nil }
            let next = data[position + 1]
            switch next {
            case 0x00, 0xFF:
                position += next == 0x00 ? 2 : 1
            case 0xD0...0xD7:
                // Markers must count 0…7 cyclically; anything else is damage
                // the ordinary decoder should report.
                guard Int(next - 0xD0) == (starts.count - 1) % 8 else { return nil }
                ends.append(position)
                starts.append(position + 2)
                position += 2
            default:
                ends.append(position)
                return (starts, ends)
            }
        }
        return nil
    }

    /// A standalone JPEG of intervals `range`: the headers with the strip's
    /// height, the intervals with their markers renumbered from RST0, and EOI.
    func strip(_ range: Range<Int>, of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let source = bytes.bindMemory(to: UInt8.self)
        let headerEnd = intervalStarts[0]
        let dataStart = intervalStarts[range.lowerBound]
        let dataEnd = intervalEnds[range.upperBound - 1]
        var strip = [UInt8]()
        strip.reserveCapacity(headerEnd + dataEnd - dataStart + 2)
        strip.append(contentsOf: UnsafeBufferPointer(rebasing: source[0..<headerEnd]))
        let rows = min(range.upperBound * intervalRows, height) - range.lowerBound * intervalRows
        strip[heightField] = UInt8(rows >> 8)
        strip[heightField + 1] = UInt8(rows & 0xFF)
        strip.append(contentsOf: UnsafeBufferPointer(rebasing: source[dataStart..<dataEnd]))
        for (index, interval) in range.dropLast().enumerated() {
            strip[headerEnd + intervalEnds[interval] - dataStart + 1] = 0xD0 + UInt8(index % 8)
        }
        strip.append(contentsOf: [0xFF, 0xD9])
        return strip
    }
}
