/// What a stream's patches add up to: the score sums per class and each patch's top class, a few
/// bytes per patch however long the audio.
public struct ScoreSummary: Sendable {
    public private(set) var patches = 0
    /// [classes] sums of the scores, in patch order.
    public private(set) var sums: [Double]
    /// Each patch's best class (the first of equal scores) and its score.
    public private(set) var tops: [(index: Int, score: Float)] = []

    public init(classes: Int) { sums = [Double](repeating: 0, count: classes) }

    public mutating func add(_ patch: YAMNetPatch) {
        let scores = patch.scores
        for j in scores.indices { sums[j] += Double(scores[j]) }
        let best = scores.indices.max { scores[$0] < scores[$1] }!
        tops.append((best, scores[best]))
        patches += 1
    }

    /// The `k` classes of highest mean score over the patches (equal means: lower index first),
    /// with their means.
    public func top(_ k: Int) -> [(index: Int, score: Float)] {
        let order = sums.indices.sorted { sums[$0] > sums[$1] || (sums[$0] == sums[$1] && $0 < $1) }
        return order.prefix(k).map { ($0, Float(sums[$0] / Double(max(patches, 1)))) }
    }
}
