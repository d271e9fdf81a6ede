import XCTest
@testable import FoveaServe

final class TopKTests: XCTestCase {
    private let labels = Labels(names: ["cat", "dog", "fox", "owl"])

    func testRanksBestFirstWithLabelsAndIndices() {
        let top = topPredictions([0.1, 0.6, 0.05, 0.25], k: 3, labels: labels)
        XCTAssertEqual(top, [
            Prediction(label: "dog", index: 1, score: 0.6),
            Prediction(label: "owl", index: 3, score: 0.25),
            Prediction(label: "cat", index: 0, score: 0.1),
        ])
    }

    func testTiesKeepTheLowerIndexFirst() {
        XCTAssertEqual(topPredictions([0.5, 0.5, 0.5], k: 2, labels: labels).map(\.index), [0, 1])
    }

    func testKIsClampedToTheClassCount() {
        XCTAssertEqual(topPredictions([0.2, 0.8], k: 10, labels: labels).map(\.index), [1, 0])
        XCTAssertEqual(topPredictions([0.2, 0.8], k: 0, labels: labels), [])
    }

    func testMatchesAFullSortOnALargeRow() {
        var generator = SystemRandomNumberGenerator()
        let scores = (0..<1000).map { _ in Float.random(in: -5...5, using: &generator) }
        let expected = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        XCTAssertEqual(topPredictions(scores, k: 5, labels: labels).map(\.index), Array(expected.prefix(5)))
    }

    func testUnnamedClassesAreReportedByIndex() {
        XCTAssertEqual(topPredictions([0, 0, 0, 0, 1], k: 1, labels: labels).first?.label, "class_4")
    }

    func testSoftmaxTurnsLogitsIntoProbabilities() {
        let probabilities = ScoreNormalization.logits.apply(to: [1000, 1001, 999])
        XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(probabilities[1], 0.66524, accuracy: 1e-4, "stable for large logits")
        XCTAssertEqual(ScoreNormalization.probabilities.apply(to: [0.3, 0.7]), [0.3, 0.7])
    }
}
