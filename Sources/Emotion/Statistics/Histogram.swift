/// Counts of values in fixed bins of `width` from `lower` (values outside are clamped into the
/// first or last bin): percentiles of a streamed feature in bounded memory, exact to one bin.
struct Histogram {
    let lower: Double, width: Double
    private(set) var counts: [Int]
    private(set) var total = 0

    init(lower: Double, upper: Double, width: Double) {
        self.lower = lower
        self.width = width
        counts = [Int](repeating: 0, count: Int(((upper - lower) / width).rounded(.up)))
    }

    func bin(of x: Double) -> Int { binIndex((x - lower) / width, count: counts.count) }

    /// Starts over, keeping the storage.
    mutating func reset() {
        for b in counts.indices { counts[b] = 0 }
        total = 0
    }

    mutating func add(_ x: Double) {
        counts[bin(of: x)] += 1
        total += 1
    }

    /// The q-quantile (0 … 1) of the values in bins `from` … last, interpolated linearly inside
    /// its bin; nil when those bins are empty.
    func quantile(_ q: Double, fromBin first: Int = 0) -> Double? {
        let n = counts[first...].reduce(0, +)
        guard n > 0 else { return nil }
        let target = q * Double(n)
        var below = 0
        for b in first..<counts.count where counts[b] > 0 {
            if Double(below + counts[b]) >= target {
                let inside = (target - Double(below)) / Double(counts[b])
                return lower + (Double(b) + inside) * width
            }
            below += counts[b]
        }
        return lower + Double(counts.count) * width
    }
}
