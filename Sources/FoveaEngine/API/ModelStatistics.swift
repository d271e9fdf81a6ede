/// Counts parameters and multiply-accumulates on a planned graph.
enum ModelStatistics {
    static func macs(of planned: PlannedGraph) -> Int {
        var total = 0
        for node in planned.nodes {
            let inputTypes = node.inputs.compactMap { planned.states[$0]?.type }
            let outputTypes = node.outputs.compactMap { planned.states[$0]?.type }
            guard let output = outputTypes.first, inputTypes.count >= 2 else { continue }
            switch node.op {
            case is Convolution:
                let weights = inputTypes[1]
                total += output.elementCount * (weights.elementCount / max(weights.shape[0], 1))
            case let gemm as Gemm:
                let a = inputTypes[0].shape
                total += output.elementCount * (gemm.transposeA ? a[0] : a[1])
            case is MatMul:
                total += output.elementCount * (inputTypes[0].shape.last ?? 0)
            default:
                continue
            }
        }
        return total
    }

    static func parameterCount(of graph: Graph) -> Int {
        graph.constants.values.reduce(0) { $0 + ($1.elementType == .float32 ? $1.elementCount : 0) }
    }
}
