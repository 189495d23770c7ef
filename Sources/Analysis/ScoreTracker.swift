import YAMNet

/// YAMNet's scores summed over the file and per segment: a patch counts for the segment holding
/// its centre (patch i spans [hop·i, hop·i + 2·hop) s).
final class ScoreTracker {
    private let classes: Int, hopSeconds: Double, segmentSeconds: Double
    private var fileSums: [Double]
    private var patches = 0
    /// [segment] → (sums per class, patches).
    private var segments: [(sums: [Double], count: Int)] = []

    init(classes: Int, hopSeconds: Double, segmentSeconds: Double) {
        (self.classes, self.hopSeconds, self.segmentSeconds) = (classes, hopSeconds, segmentSeconds)
        fileSums = [Double](repeating: 0, count: classes)
    }

    func add(_ patch: YAMNetPatch) {
        let segment = Int((Double(patch.index) * hopSeconds + hopSeconds) / segmentSeconds)
        while segments.count <= segment { segments.append(([Double](repeating: 0, count: classes), 0)) }
        for j in 0..<classes {
            let s = Double(patch.scores[j])
            fileSums[j] += s
            segments[segment].sums[j] += s
        }
        segments[segment].count += 1
        patches += 1
    }

    /// Mean score per class over the file.
    var fileMeans: [Double] { fileSums.map { $0 / Double(max(patches, 1)) } }

    /// Mean score per class over segment `i` of `count`: the last takes the patches centred past
    /// the end (YAMNet pads the audio). Nil for a segment no patch is centred in.
    func segmentMeans(_ i: Int, of count: Int) -> [Double]? {
        let members = i == count - 1 ? Array(segments.dropFirst(i)) : segments.indices.contains(i) ? [segments[i]] : []
        let n = members.reduce(0) { $0 + $1.count }
        guard n > 0 else { return nil }
        return (0..<classes).map { j in members.reduce(0) { $0 + $1.sums[j] } / Double(n) }
    }
}
