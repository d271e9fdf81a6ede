/// One loaded instance of a model, able to run one batch at a time.
///
/// The scheduler owns the input tensor and hands the executor a pointer to
/// its first `batchSize` rows, so preprocessed images are never copied on
/// their way to the network.
public protocol BatchExecutor: AnyObject, Sendable {
    /// Number of `Float`s one input image occupies (e.g. 3·224·224).
    var inputElementCount: Int { get }

    /// Runs the network on `batchSize` contiguous inputs and returns one row
    /// of output scores per input, in order.
    ///
    /// `cores` says whether the batch has the model's cores to itself (the
    /// scheduler then holds the other instances back until it ends; it does
    /// so only for a batch of one) or shares them with batches on the other
    /// instances.
    func run(input: UnsafePointer<Float>, batchSize: Int, cores: CoreShare) throws -> [[Float]]
}
