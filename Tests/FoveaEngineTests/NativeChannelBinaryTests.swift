import CNativeKernels
@testable import FoveaEngine
import XCTest

/// A per-channel operand against a channel-blocked activation (the
/// squeeze-and-excitation gate multiply) runs on Fovea's kernel where
/// oneDNN 2.6 has only its reference kernel: on nChw8c on an AVX-512 CPU.
final class NativeChannelBinaryTests: XCTestCase {
    /// Every operation on both block widths against plain arithmetic: 20
    /// channels (the last block partly padding, which stays zero, even for a
    /// division), batch 2, 15 pixels (the threads' ranges split a channel
    /// block), an operand per image and one shared by the batch. Results
    /// are single IEEE operations, so they equal the plain ones exactly.
    func testKernelOnEightAndSixteenChannelBlocksMatchesPlainArithmetic() throws {
        guard ConvolutionAlgorithm.nativeKernelsAvailable else { throw XCTSkip("Fovea's kernels need AVX2 and FMA, absent on this CPU") }
        let (batch, channels, pixels) = (2, 20, 15)
        let input = (0..<(batch * channels * pixels)).map { Float(sin(Double($0) * 0.73)) }
        let operations: [(ElementwiseBinary.Function, (Float, Float) -> Float)] = [(.add, +), (.subtract, -), (.multiply, *), (.divide, /)]
        for block in [8, 16] {
            let blocks = (channels + block - 1) / block
            func blocked(_ n: Int, _ c: Int, _ p: Int) -> Int { ((n * blocks + c / block) * pixels + p) * block + c % block }
            var source = [Float](repeating: 0, count: batch * blocks * block * pixels)
            for n in 0..<batch { for c in 0..<channels { for p in 0..<pixels {
                source[blocked(n, c, p)] = input[(n * channels + c) * pixels + p]
            } } }
            for operandBatch in [batch, 1] {
                let operand = (0..<(operandBatch * channels)).map { Float(1.5 + cos(Double($0) * 0.41)) }
                for (function, plain) in operations {
                    let native = try XCTUnwrap(NativeChannelBinary(function, sourceShape: [batch, channels, 3, 5],
                                                                   operandShape: [operandBatch, channels, 1, 1], block: block))
                    var destination = [Float](repeating: .nan, count: source.count)
                    source.withUnsafeBufferPointer { from in
                        operand.withUnsafeBufferPointer { by in
                            destination.withUnsafeMutableBufferPointer { to in
                                native.run(source: from.baseAddress!, operand: by.baseAddress!, destination: to.baseAddress!, threads: 2)
                            }
                        }
                    }
                    for n in 0..<batch { for c in 0..<(blocks * block) { for p in 0..<pixels {
                        let expected = c < channels
                            ? plain(input[(n * channels + c) * pixels + p], operand[(operandBatch == 1 ? 0 : n) * channels + c]) : 0
                        XCTAssertEqual(destination[blocked(n, c, p)], expected,
                                       "\(function) block \(block), operand batch \(operandBatch), image \(n), channel \(c), pixel \(p)")
                    } } }
                }
            }
        }
    }

    /// Shapes the kernel does not compute are refused, not run.
    func testRefusesWhatIsNotAPerChannelOperand() {
        XCTAssertNil(NativeChannelBinary(.multiply, sourceShape: [2, 20, 3, 5], operandShape: [2, 20, 3, 5], block: 8))
        XCTAssertNil(NativeChannelBinary(.multiply, sourceShape: [2, 20, 3, 5], operandShape: [2, 19, 1, 1], block: 8))
        XCTAssertNil(NativeChannelBinary(.multiply, sourceShape: [4, 20, 3, 5], operandShape: [2, 20, 1, 1], block: 8))
        XCTAssertNil(NativeChannelBinary(.multiply, sourceShape: [2, 20, 3, 5], operandShape: [2, 20, 1, 1], block: 4))
    }
}
