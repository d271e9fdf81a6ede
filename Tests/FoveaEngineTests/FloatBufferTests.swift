import FoveaEngine
import XCTest

/// BatchNorm folding keeps its rescaled weights as a recipe over the model
/// file's floats; read, the recipe gives exactly the rescaled values.
final class FloatBufferTests: XCTestCase {
    func testScaledRowsReadAsEachRowTimesItsScale() {
        let source = FloatBuffer((0..<12).map { Float($0) - 5.5 })
        let scaled = FloatBuffer(scalingRowsOf: source, by: [2, -0.5, 0.25])
        XCTAssertEqual(scaled.count, 12)
        let expected = (0..<12).map { (Float($0) - 5.5) * [2, -0.5, 0.25][$0 / 4] }
        XCTAssertEqual(scaled.array, expected)
        XCTAssertEqual(scaled.withUnsafeBufferPointer { Array($0) }, expected)
    }

    func testScaledRowsCompose() {
        let twice = FloatBuffer(scalingRowsOf: FloatBuffer(scalingRowsOf: FloatBuffer([1, 2, 3, 4]), by: [3, 5]), by: [2, 7])
        XCTAssertEqual(twice.array, [6, 12, 105, 140])
    }
}
