/// Picks the `k` highest scores of an output row, best first, ties broken by
/// the lower class index so results are deterministic.
func topPredictions(_ scores: [Float], k: Int, labels: Labels) -> [Prediction] {
    let k = min(max(k, 0), scores.count)
    guard k > 0 else { return [] }
    // A partial selection: O(n·k) beats sorting 1000 classes for small k.
    var best: [Int] = []
    best.reserveCapacity(k + 1)
    for index in scores.indices {
        let score = scores[index]
        if best.count == k, let last = best.last, !(score > scores[last]) { continue }
        var position = best.count
        while position > 0, score > scores[best[position - 1]] { position -= 1 }
        best.insert(index, at: position)
        if best.count > k { best.removeLast() }
    }
    return best.map { Prediction(label: labels[$0], index: $0, score: scores[$0]) }
}
