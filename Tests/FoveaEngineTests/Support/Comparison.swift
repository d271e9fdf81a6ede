import FoveaEngine
import XCTest

/// The engine's accuracy contract against a reference runtime:
/// |a − r| ≤ atol + rtol·|r| with atol = 1e-4 · max|r|.
func assertMatches(_ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-3, _ context: String,
                   file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "\(context): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let a = actual.floats, r = expected.floats
    let atol = 1e-4 * (r.map { abs($0) }.max() ?? 0)
    var worst: (index: Int, excess: Float)? = nil
    for index in r.indices {
        let excess = abs(a[index] - r[index]) - (atol + rtol * abs(r[index]))
        if excess > 0 || !a[index].isFinite, worst == nil || excess > worst!.excess {
            worst = (index, excess)
        }
    }
    if let worst {
        XCTFail("\(context): element \(worst.index) is \(a[worst.index]), expected \(r[worst.index]) (atol \(atol), rtol \(rtol))",
                file: file, line: line)
    }
}

/// Loads `input_*.pb`/`output_*.pb` from an ONNX test-data directory.
func loadTensors(in directory: URL, prefix: String) throws -> [Tensor] {
    var tensors: [Tensor] = []
    while true {
        let path = directory.appendingPathComponent("\(prefix)_\(tensors.count).pb").path
        guard FileManager.default.fileExists(atPath: path) else { return tensors }
        tensors.append(try ONNXFile.loadEngineTensor(path: path).tensor)
    }
}
