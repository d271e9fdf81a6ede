/// Folds a constant Pad of the spatial axes into the convolution or pooling
/// reading it, and drops a Pad that pads nothing.
///
/// PyTorch exports `avg_pool2d(…, padding=p)` (count_include_pad, the
/// default) as Pad + AveragePool, and TensorFlow-style "same" padding as
/// Pad + Conv. A separate Pad forces a plain layout and a copy, and the
/// pooling after it then ran on oneDNN's plain-layout kernel: Inception
/// v3's branch poolings took a quarter of its time. Zero padding read by
/// an average that counts padding, or by a convolution, and −∞ padding
/// read by a max, are the window's own padding.
public struct PadFolding: GraphPass {
    public init() {}

    public var name: String { "PadFolding" }

    public func run(on graph: inout Graph) throws {
        guard let planned = try? graph.planned(batchSize: 1) else { return }
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            guard let pad = graph.nodes[index].op as? Pad else { continue }
            let padNode = graph.nodes[index]
            let states = padNode.inputs.compactMap { planned.states[$0] }
            guard states.count == padNode.inputs.count,
                  let (begin, end, value) = try? pad.resolve(states), begin.count >= 3,
                  begin.prefix(2).allSatisfy({ $0 == 0 }), end.prefix(2).allSatisfy({ $0 == 0 }),
                  !graph.outputs.contains(where: { $0.value == padNode.outputs[0] }) else { continue }
            let spatialBegin = Array(begin.dropFirst(2)), spatialEnd = Array(end.dropFirst(2))
            if (spatialBegin + spatialEnd).allSatisfy({ $0 == 0 }) {
                graph.nodes.remove(at: index)
                graph.replaceUses(of: padNode.outputs[0], with: padNode.inputs[0])
                index -= 1
                continue
            }
            guard graph.consumerCounts()[padNode.outputs[0]] == 1,
                  let consumerIndex = graph.nodes.firstIndex(where: { $0.inputs.first == padNode.outputs[0] }),
                  let folded = Self.folding(spatialBegin, spatialEnd, value: value, into: graph.nodes[consumerIndex].op) else { continue }
            graph.nodes[consumerIndex].op = folded
            graph.nodes[consumerIndex].inputs[0] = padNode.inputs[0]
            graph.nodes.remove(at: index)
            index -= 1
        }
    }

    /// `op` with the padding added to its window, where that computes the
    /// same as reading the padded tensor.
    private static func folding(_ begin: [Int], _ end: [Int], value: Float, into op: any Operator) -> (any Operator)? {
        switch op {
        case var conv as Convolution where value == 0:
            guard let window = widened(conv.window, begin, end) else { return nil }
            conv.window = window
            return conv
        case var pool as Pooling:
            guard let window = pool.window else { return nil }
            switch pool.reduction {
            case .average(let countIncludePad) where value == 0 && (countIncludePad || !hasPadding(window)):
                pool.reduction = .average(countIncludePad: true)
            case .max where value == -.infinity:
                break
            default:
                return nil
            }
            guard let widened = widened(window, begin, end) else { return nil }
            pool.window = widened
            return pool
        default:
            return nil
        }
    }

    private static func hasPadding(_ window: SpatialWindow) -> Bool {
        switch window.padding {
        case .valid: return false
        case .explicit(let begin, let end): return (begin + end).contains { $0 != 0 }
        case .same: return true
        }
    }

    /// `window` with `begin`/`end` more padding, if its padding is explicit
    /// and every pad stays below the kernel's extent (as oneDNN requires).
    private static func widened(_ window: SpatialWindow, _ begin: [Int], _ end: [Int]) -> SpatialWindow? {
        guard !window.ceilMode, begin.count == window.kernel.count else { return nil }
        var (oldBegin, oldEnd) = (Array(repeating: 0, count: begin.count), Array(repeating: 0, count: begin.count))
        switch window.padding {
        case .valid: break
        case .explicit(let b, let e): (oldBegin, oldEnd) = (b, e)
        case .same: return nil
        }
        let newBegin = zip(oldBegin, begin).map { $0 + $1 }, newEnd = zip(oldEnd, end).map { $0 + $1 }
        for axis in begin.indices {
            let extent = (window.kernel[axis] - 1) * window.dilations[axis] + 1
            guard newBegin[axis] < extent, newEnd[axis] < extent else { return nil }
        }
        var result = window
        result.padding = .explicit(begin: newBegin, end: newEnd)
        return result
    }
}
