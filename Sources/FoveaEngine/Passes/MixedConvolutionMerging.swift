/// Merges a Split of the channels, one convolution per part and a Concat of
/// their outputs in the same order into one grouped convolution.
///
/// MixNet writes its mixed depthwise convolutions (3×3, 5×5, 7×7 kernels
/// on thirds of the channels) and its grouped pointwise ones this way. Run
/// as written, each part is a copy out of the split, the concat another
/// copy, and the BatchNormalization and activation after the concat can
/// fuse into nothing; merged, they fold into the one convolution and the
/// copies disappear.
///
/// The parts must agree on strides, dilations, input and output channels
/// per group and output size. Kernels of different sizes are embedded, zero
/// elsewhere, in the smallest window holding all of them, where each
/// part's padding puts its kernel on that window's grid; only for parts
/// with one input channel per group (depthwise), where the extra taps cost
/// little.
public struct MixedConvolutionMerging: GraphPass {
    public init() {}

    public var name: String { "MixedConvolutionMerging" }

    public func run(on graph: inout Graph) throws {
        guard let planned = try? graph.planned(batchSize: 1) else { return }
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            guard let merged = Self.merge(concatAt: index, in: graph, states: planned.states) else { continue }
            graph.constants[merged.weights.name] = merged.weights.tensor
            graph.constants[merged.bias.name] = merged.bias.tensor
            graph.nodes[index] = merged.node
            let removed = Set(merged.removed)
            graph.nodes = graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
            index -= removed.filter { $0 < index }.count
        }
    }

    private struct Part {
        var conv: Convolution
        var weights: Tensor
        var bias: [Float]?
        var padBegin: [Int]
        var padEnd: [Int]
    }

    private struct Merged {
        var node: Node
        var weights: (name: String, tensor: Tensor)
        var bias: (name: String, tensor: Tensor)
        var removed: [Int]
    }

    /// The merged convolution replacing the Concat at `index`, with the
    /// Split and convolutions it replaces, if the pattern is there.
    private static func merge(concatAt index: Int, in graph: Graph, states: [String: ValueState]) -> Merged? {
        let concatNode = graph.nodes[index]
        guard let concat = concatNode.op as? Concat, concatNode.inputs.count > 1,
              let output = states[concatNode.outputs[0]], output.shape.count >= 3,
              (try? ShapeMath.normalize(axis: concat.axis, rank: output.shape.count)) == 1 else { return nil }
        let producers = graph.producers(), consumers = graph.consumerCounts()
        var convIndices: [Int] = []
        for input in concatNode.inputs {
            guard consumers[input] == 1, let producer = producers[input], graph.nodes[producer].op is Convolution else { return nil }
            convIndices.append(producer)
        }
        let convNodes = convIndices.map { graph.nodes[$0] }
        guard let splitIndex = producers[convNodes[0].inputs[0]], let split = graph.nodes[splitIndex].op as? Split,
              (try? ShapeMath.normalize(axis: split.axis, rank: output.shape.count)) == 1 else { return nil }
        let splitNode = graph.nodes[splitIndex]
        guard splitNode.outputs == convNodes.map({ $0.inputs[0] }),
              splitNode.outputs.allSatisfy({ consumers[$0] == 1 }),
              let input = states[splitNode.inputs[0]] else { return nil }
        // The parts differ in channels only: the split input's spatial extents are theirs.
        let inputSpatial = Array(input.shape.dropFirst(2))
        var parts: [Part] = []
        for node in convNodes {
            guard let conv = node.op as? Convolution, conv.postOps.isEmpty, node.inputs.count <= 3,
                  let weights = graph.constants[node.inputs[1]], weights.elementType == .float32,
                  let resolved = try? conv.window.resolve(input: inputSpatial) else { return nil }
            var bias: [Float]? = nil
            if node.inputs.count == 3 {
                guard let given = graph.constants[node.inputs[2]] else { return nil }
                bias = given.floats
            }
            parts.append(Part(conv: conv, weights: weights, bias: bias, padBegin: resolved.padBegin, padEnd: resolved.padEnd))
        }
        guard let (conv, weights) = combined(parts, outputSpatial: Array(output.shape.dropFirst(2)), inputSpatial: inputSpatial)
        else { return nil }
        let bias = parts.flatMap { $0.bias ?? Array(repeating: 0, count: $0.weights.shape[0]) }
        let weightsName = "\(concatNode.name)::merged_weights", biasName = "\(concatNode.name)::merged_bias"
        let node = Node(name: concatNode.name, op: conv, inputs: [splitNode.inputs[0], weightsName, biasName],
                        outputs: concatNode.outputs)
        return Merged(node: node, weights: (weightsName, weights), bias: (biasName, Tensor(shape: [bias.count], floats: bias)),
                      removed: [splitIndex] + convIndices)
    }

    /// One convolution computing every part on its group range, with the
    /// weights embedded in a common window, if the parts allow it.
    private static func combined(_ parts: [Part], outputSpatial: [Int], inputSpatial: [Int]) -> (Convolution, Tensor)? {
        let first = parts[0]
        let inputWidth = first.weights.shape[1], outputWidth = first.weights.shape[0] / first.conv.groups
        let rank = first.conv.window.kernel.count
        let strides = first.conv.window.strides, dilations = first.conv.window.dilations
        for part in parts {
            guard part.weights.shape[1] == inputWidth, part.weights.shape[0] / part.conv.groups == outputWidth,
                  part.conv.window.strides == strides, part.conv.window.dilations == dilations,
                  !part.conv.window.ceilMode else { return nil }
        }
        let sameWindow = parts.allSatisfy { $0.conv.window.kernel == first.conv.window.kernel && $0.padBegin == first.padBegin }
        guard sameWindow || inputWidth == 1 else { return nil }
        // Each part's first tap sits `offset` taps into the common window.
        let padBegin = (0..<rank).map { axis in parts.map { $0.padBegin[axis] }.max()! }
        var offsets: [[Int]] = []
        for part in parts {
            var offset: [Int] = []
            for axis in 0..<rank {
                let shift = padBegin[axis] - part.padBegin[axis]
                guard shift % dilations[axis] == 0 else { return nil }
                offset.append(shift / dilations[axis])
            }
            offsets.append(offset)
        }
        var kernel = Array(repeating: 0, count: rank), padEnd = Array(repeating: 0, count: rank)
        for (part, offset) in zip(parts, offsets) {
            for axis in 0..<rank { kernel[axis] = max(kernel[axis], offset[axis] + part.conv.window.kernel[axis]) }
        }
        for (part, offset) in zip(parts, offsets) {
            for axis in 0..<rank {
                let unusedTaps = kernel[axis] - offset[axis] - part.conv.window.kernel[axis]
                padEnd[axis] = max(padEnd[axis], part.padEnd[axis] + unusedTaps * dilations[axis])
            }
        }
        let window = SpatialWindow(kernel: kernel, strides: strides, dilations: dilations,
                                   padding: .explicit(begin: padBegin, end: padEnd))
        let extents = (0..<rank).map { (kernel[$0] - 1) * dilations[$0] + 1 }
        guard (try? window.resolve(input: inputSpatial))?.output == outputSpatial,
              (0..<rank).allSatisfy({ padBegin[$0] < extents[$0] && padEnd[$0] < extents[$0] }) else { return nil }
        let outputChannels = parts.map { $0.weights.shape[0] }.reduce(0, +)
        let windowSize = kernel.reduce(1, *)
        var values = [Float](repeating: 0, count: outputChannels * inputWidth * windowSize)
        var row = 0
        for (part, offset) in zip(parts, offsets) {
            let partKernel = part.conv.window.kernel
            let partWindow = partKernel.reduce(1, *)
            let source = part.weights.floats
            for filter in 0..<(part.weights.shape[0] * inputWidth) {
                for tap in 0..<partWindow {
                    var position = 0, remainder = tap
                    var coordinates = Array(repeating: 0, count: rank)
                    for axis in (0..<rank).reversed() {
                        coordinates[axis] = remainder % partKernel[axis]
                        remainder /= partKernel[axis]
                    }
                    for axis in 0..<rank { position = position * kernel[axis] + coordinates[axis] + offset[axis] }
                    values[(row + filter) * windowSize + position] = source[filter * partWindow + tap]
                }
            }
            row += part.weights.shape[0] * inputWidth
        }
        let conv = Convolution(window: window, groups: parts.map(\.conv.groups).reduce(0, +))
        return (conv, Tensor(shape: [outputChannels, inputWidth] + kernel, floats: values))
    }
}
