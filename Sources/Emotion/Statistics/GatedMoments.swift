/// Running sums of several per-frame features, kept per 1 dB bin of the frame's loudness, so the
/// silence gate (which depends on the whole file's loudness distribution) can be applied after
/// the last frame: memory is bins × features, whatever the file's length.
struct GatedMoments {
    /// Loudness bins: [−120, 10) dB in 1 dB steps.
    static let lowerDB = -120.0, bins = 130
    let features: Int
    private var count: [Int]
    private var sum: [Double]          // [bins, features]
    private var squares: [Double]      // [bins, features]

    init(features: Int) {
        self.features = features
        count = [Int](repeating: 0, count: Self.bins)
        sum = [Double](repeating: 0, count: Self.bins * features)
        squares = sum
    }

    /// Starts over, keeping the storage.
    mutating func reset() {
        for b in count.indices { count[b] = 0 }
        for i in sum.indices { (sum[i], squares[i]) = (0, 0) }
    }

    static func bin(loudness: Double) -> Int { binIndex(loudness - lowerDB, count: bins) }

    /// Adds one frame's `values` (`features` of them) at loudness `loudness` dB.
    mutating func add(_ values: [Double], loudness: Double) {
        let b = Self.bin(loudness: loudness)
        count[b] += 1
        for (f, x) in values.enumerated() {
            sum[b * features + f] += x
            squares[b * features + f] += x * x
        }
    }

    /// Frames in bins ≥ `first`.
    func frames(fromBin first: Int) -> Int { count[first...].reduce(0, +) }

    /// Mean and population standard deviation of feature `f` over bins ≥ `first` (zeros when
    /// there are no such frames).
    func moments(_ f: Int, fromBin first: Int) -> (mean: Double, sd: Double) {
        let n = Double(frames(fromBin: first))
        guard n > 0 else { return (0, 0) }
        var s = 0.0, s2 = 0.0
        for b in first..<Self.bins {
            s += sum[b * features + f]
            s2 += squares[b * features + f]
        }
        let mean = s / n
        return (mean, max(0, s2 / n - mean * mean).squareRoot())
    }
}
