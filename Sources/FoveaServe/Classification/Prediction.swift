/// One ranked class in a classification result.
public struct Prediction: Sendable, Equatable, Encodable {
    public var label: String
    public var index: Int
    public var score: Float
}
