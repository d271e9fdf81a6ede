import FoveaEngine
import XCTest

/// Exports test model `name` (see `Python/export_models.py`) and checks it
/// against onnxruntime at batch sizes 1 and 3, feeding the input both
/// copied in and read in place, then checks that none of its plans runs a
/// reference kernel.
func assertMatchesOnnxRuntime(model name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let path = try PythonTools.exportedModel(name)
    let engine = try Engine(model: try Model.load(path: path))
    for batch in [1, 3] {
        let reference = try PythonTools.reference(model: path, name: name, batch: batch)
        let inputs = try loadTensors(in: reference, prefix: "input")
        let expected = try loadTensors(in: reference, prefix: "output")
        let plan = try engine.plan(batchSize: batch)
        if inputs.count == 1 {
            // A run reading another caller buffer in place must not leave the plan bound to it.
            let zeros = [Float](repeating: 0, count: inputs[0].elementCount)
            try withExtendedLifetime(zeros) {
                _ = try zeros.withUnsafeBufferPointer { try plan.run(input: $0) }
                assertMatch(try plan.run(inputs: inputs), expected, "\(name) batch \(batch)", file: file, line: line)
            }
            let inPlace = try inputs[0].floats.withUnsafeBufferPointer { try plan.run(input: $0) }
            assertMatch(inPlace, expected, "\(name) batch \(batch) (input read in place)", file: file, line: line)
        } else {
            assertMatch(try plan.run(inputs: inputs), expected, "\(name) batch \(batch)", file: file, line: line)
        }
    }
    try assertNoReferenceKernels(engine, name, file: file, line: line)
}

/// Fails for every plan step oneDNN runs on one of its reference kernels,
/// at batch 1 and 8 (batch 1 only where the file fixes the batch size).
func assertNoReferenceKernels(_ engine: Engine, _ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
    for batch in engine.model.graph.acceptsAnyBatchSize ? [1, 8] : [1] {
        let steps = try engine.plan(batchSize: batch).referenceSteps
        XCTAssertTrue(steps.isEmpty, "\(context) batch \(batch): \(steps.count) steps on reference kernels, e.g. \(steps.prefix(3).map(\.description))",
                      file: file, line: line)
    }
}

func assertMatch(_ outputs: [Tensor], _ expected: [Tensor], _ context: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(outputs.count, expected.count, "\(context): output count", file: file, line: line)
    for (index, (output, reference)) in zip(outputs, expected).enumerated() {
        assertMatches(output, reference, "\(context) output \(index)", file: file, line: line)
    }
}
