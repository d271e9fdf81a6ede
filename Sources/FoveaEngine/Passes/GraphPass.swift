/// One graph-to-graph rewrite. Passes are small and independent so the
/// optimizer's pipeline reads as a list of what happens to a model.
public protocol GraphPass: Sendable {
    var name: String { get }
    func run(on graph: inout Graph) throws
}

/// Runs passes in order.
public struct Optimizer: Sendable {
    public var passes: [any GraphPass]

    public init(passes: [any GraphPass]) { self.passes = passes }

    /// The default pipeline. Activation fusion runs both before and after
    /// residual fusion: a Relu directly after a convolution fuses first,
    /// a Relu after a residual Add only once the Add became a sum post-op.
    public static let standard = Optimizer(passes: [
        NoOpElimination(),
        ConstantFolding(),
        PadFolding(),
        MixedConvolutionMerging(),
        ChannelAffineFolding(),
        ConvBNFolding(),
        ActivationPatternRecognition(),
        ActivationFusion(),
        ResidualAddFusion(),
        ActivationFusion(),
    ])

    public func optimize(_ graph: Graph) throws -> Graph {
        var graph = graph
        for pass in passes { try pass.run(on: &graph) }
        return graph
    }
}
