import Foundation
import Synchronization
import FoveaEngine
import XCTest

/// An engine's plans keep their activations in one workspace, as large as
/// the largest plan needs; they run one at a time and a plan compiled
/// before the workspace grew still computes the same.
final class PlanWorkspaceTests: XCTestCase {
    private func engine() throws -> Engine {
        try Engine(model: try Model.load(path: try PythonTools.exportedModel("conv3x3_cases")))
    }

    private func input(batch: Int) -> Tensor {
        Tensor(shape: [batch, 3, 224, 224], floats: (0..<(batch * 3 * 224 * 224)).map { Float(sin(Double($0) * 0.013)) })
    }

    func testTheWorkspaceIsSizedForTheLargestPlanNotTheSum() throws {
        let engine = try engine()
        let small = try engine.plan(batchSize: 1)
        XCTAssertEqual(engine.workspaceBytes, small.workspaceBytes)
        let large = try engine.plan(batchSize: 4)
        XCTAssertGreaterThan(large.workspaceBytes, small.workspaceBytes)
        XCTAssertEqual(engine.workspaceBytes, large.workspaceBytes, "one workspace for both plans")
        _ = try engine.plan(batchSize: 2)
        XCTAssertEqual(engine.workspaceBytes, large.workspaceBytes, "a smaller plan fits the workspace as it is")
    }

    func testAPlanCompiledBeforeTheWorkspaceGrewComputesTheSame() throws {
        let engine = try engine()
        let small = try engine.plan(batchSize: 1)
        let single = input(batch: 1)
        let before = try small.run(inputs: [single])[0]
        let large = try engine.plan(batchSize: 3)
        XCTAssertGreaterThan(engine.workspaceBytes, small.workspaceBytes, "the workspace grew")
        let after = try small.run(inputs: [single])[0]
        XCTAssertEqual(after.floats, before.floats, "same plan, same input, moved workspace")
        let batched = try large.run(inputs: [input(batch: 3)])[0]
        let perImage = before.elementCount
        assertMatches(Tensor(shape: before.shape, floats: Array(batched.floats[0..<perImage])), before,
                      "image 0 of the batch-3 plan vs the batch-1 plan")
    }

    /// A model instance keeps a plan for its share of the cores and one for
    /// all of them (a batch that runs alone); both live in the one workspace.
    func testPlansForOneBatchSizeAtTwoThreadCountsAreDistinctAndComputeTheSame() throws {
        let engine = try Engine(model: try Model.load(path: try PythonTools.exportedModel("conv3x3_cases")), threads: 1)
        let narrow = try engine.plan(batchSize: 2)
        let wide = try engine.plan(batchSize: 2, threads: 2)
        XCTAssertFalse(narrow === wide, "a plan is compiled for one thread count")
        XCTAssertTrue(try engine.plan(batchSize: 2, threads: 1) === narrow, "the engine's own count is the default")
        XCTAssertEqual(engine.compiledBatchSizes, [2])
        let image = input(batch: 2)
        assertMatches(try wide.run(inputs: [image])[0], try narrow.run(inputs: [image])[0], "2 threads vs 1")
    }

    func testConcurrentRunsOfDifferentPlansGiveTheirSequentialResults() throws {
        let engine = try engine()
        let batches = [1, 2, 3]
        let plans = try batches.map { try engine.plan(batchSize: $0) }
        let inputs = batches.map { input(batch: $0) }
        let expected = try zip(plans, inputs).map { try $0.run(inputs: [$1])[0].floats }
        let results = Mutex<[[Float]?]>(Array(repeating: nil, count: 12))
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            do {
                let output = try plans[index % 3].run(inputs: [inputs[index % 3]])[0].floats
                results.withLock { $0[index] = output }
            } catch {
                failures.withLock { $0.append("run \(index): \(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        for (index, output) in results.withLock({ $0 }).enumerated() {
            XCTAssertEqual(output, expected[index % 3], "run \(index) (batch \(batches[index % 3]))")
        }
    }

    /// A second instance of a model shares the first one's converted
    /// weights: it holds them before compiling anything, compiling its plan
    /// adds none, and it computes the same.
    func testASecondInstanceSharesTheWeightsAndComputesTheSame() throws {
        let first = try Engine(model: try Model.load(path: try PythonTools.exportedModel("resnet18")))
        let image = Tensor(shape: [1, 3, 224, 224], floats: (0..<(3 * 224 * 224)).map { Float(sin(Double($0) * 0.011)) })
        XCTAssertEqual(first.weightBytes, 0, "nothing converted before a plan")
        let expected = try first.plan(batchSize: 1).run(inputs: [image])[0]
        let converted = first.weightBytes
        XCTAssertGreaterThan(converted, 40 << 20, "resnet18 has ~45 MB of weights")
        let second = first.instance()
        XCTAssertEqual(second.weightBytes, converted, "the instance holds the first one's weights")
        let output = try second.plan(batchSize: 1).run(inputs: [image])[0]
        XCTAssertEqual(second.weightBytes, converted, "its plan converted nothing more")
        XCTAssertEqual(output.floats, expected.floats)
    }
}
