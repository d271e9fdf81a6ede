#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a model's output row is already a probability distribution.
///
/// torchvision classifiers end in a `Linear` layer (logits); Keras models
/// usually end in a softmax. Clients should always receive probabilities, so
/// logits are normalized here — once, after the batch, off the hot loop.
public enum ScoreNormalization: String, Sendable, Equatable, Codable {
    /// The output is used as it is.
    case probabilities
    /// A softmax is applied to the output row.
    case logits
}

extension ScoreNormalization {
    func apply(to scores: [Float]) -> [Float] {
        switch self {
        case .probabilities:
            return scores
        case .logits:
            guard let maximum = scores.max(), maximum.isFinite else { return scores }
            let exponentials = scores.map { expf($0 - maximum) }
            let sum = exponentials.reduce(0, +)
            return exponentials.map { $0 / sum }
        }
    }
}
