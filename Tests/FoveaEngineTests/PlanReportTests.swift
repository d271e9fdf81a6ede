import FoveaEngine
import XCTest

/// A plan says what it runs, step by step, and how long each step takes:
/// the basis of `fovea bench --profile` and `fovea inspect`.
final class PlanReportTests: XCTestCase {
    private func plan(_ name: String, batch: Int) throws -> (ExecutionPlan, Model) {
        let model = try Model.load(path: try PythonTools.exportedModel(name))
        return (try Engine(model: model).plan(batchSize: batch), model)
    }

    /// Every step names a node of the optimized graph (or the plan's
    /// outputs), its operation, its shapes and the implementation running it.
    func testEveryStepNamesItsNodeOperationShapesAndImplementation() throws {
        let (plan, model) = try plan("concat_branches", batch: 2)
        let nodes = Set(model.graph.nodes.map(\.name)).union(["<outputs>"])
        XCTAssertFalse(plan.steps.isEmpty)
        for step in plan.steps {
            XCTAssertTrue(nodes.contains(step.node), "\(step) names no graph node")
            XCTAssertFalse(step.operation.isEmpty, "\(step)")
            XCTAssertFalse(step.implementation.isEmpty, "\(step)")
            XCTAssertTrue(step.shapes.contains("→"), "\(step)")
        }
        let convolutions = model.graph.nodes.filter { $0.op is Convolution }.map(\.name)
        XCTAssertEqual(Set(plan.steps.filter { $0.operation.hasPrefix("Conv") }.map(\.node)), Set(convolutions),
                       "one step per convolution")
        XCTAssertTrue(plan.steps.contains { $0.shapes.hasPrefix("2×3×224×224 → 2×16×224×224") }, "the stem convolution's shapes")
        XCTAssertEqual(plan.reorders, plan.steps.count(where: \.isReorder))
    }

    /// Profiling times each step on its own; the steps' times add up to
    /// about a run's.
    func testProfileTimesEveryStep() throws {
        let (plan, _) = try plan("resnet18", batch: 1)
        let timings = try plan.profile(runs: 3)
        XCTAssertEqual(timings.map(\.step), plan.steps)
        XCTAssertTrue(timings.allSatisfy { $0.milliseconds >= 0 })
        let convolutionTime = timings.filter { $0.step.operation == "Conv" }.reduce(0) { $0 + $1.milliseconds }
        let total = timings.reduce(0) { $0 + $1.milliseconds }
        XCTAssertGreaterThan(convolutionTime, total / 2, "convolutions dominate resnet18")
    }

    /// oneDNN's only pooling kernel for a plain layout (what im2col and GEMM
    /// convolutions write) is scalar C++: AlexNet's poolings run on a JIT
    /// kernel or Fovea's, over channel-blocked activations.
    func testPoolingRunsOnJITOrFoveaKernels() throws {
        let (plan, _) = try plan("alexnet", batch: 8)
        let pooling = plan.steps.filter { $0.operation.hasSuffix("Pool") }
        XCTAssertGreaterThanOrEqual(pooling.count, 3, "three max poolings and an adaptive average")
        for step in pooling {
            XCTAssertTrue(step.implementation.hasPrefix("jit") || step.implementation.hasPrefix("fovea:"), "\(step)")
        }
    }

    func testStepsOnReferenceKernelsAreTheOnesImplementedByRef() {
        XCTAssertTrue(PlanStep(node: "n", operation: "Mul", shapes: "", implementation: "ref:any").isReference)
        XCTAssertFalse(PlanStep(node: "n", operation: "Mul", shapes: "", implementation: "jit:uni").isReference)
        XCTAssertFalse(PlanStep(node: "n", operation: "Conv", shapes: "", implementation: "fovea:winograd4x4").isReference)
    }
}
