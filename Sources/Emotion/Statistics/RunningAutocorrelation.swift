/// The autocorrelation of a stream, accumulated while streaming: r(k) for lags k = 0 … `maxLag`,
/// mean-removed over the whole stream and unbiased (divided by the N − k products), normalized by
/// r(0). Running sums give it exactly in O(maxLag) memory: Σ x_t·x_{t−k}, Σ x_t, and the first and
/// last maxLag + 1 values for the mean correction.
struct RunningAutocorrelation {
    let maxLag: Int
    private var products: [Double]     // Σ_t x_t·x_{t−k}, k = 0 … maxLag
    private var head: [Double]         // first maxLag + 1 values
    private var recent: [Double]       // ring of the last maxLag + 1 values
    private var sum = 0.0
    private(set) var count = 0

    init(maxLag: Int) {
        self.maxLag = max(1, maxLag)
        products = [Double](repeating: 0, count: self.maxLag + 1)
        head = []
        recent = products
    }

    /// Starts over, keeping the storage.
    mutating func reset() {
        for k in products.indices { (products[k], recent[k]) = (0, 0) }
        head.removeAll(keepingCapacity: true)
        (sum, count) = (0, 0)
    }

    mutating func add(_ x: Double) {
        recent[count % recent.count] = x
        if head.count < recent.count { head.append(x) }
        for k in 0...min(maxLag, count) { products[k] += x * recent[(count - k) % recent.count] }
        sum += x
        count += 1
    }

    /// r(k)/r(0), k = 0 … maxLag, with r(0) (the variance) and the mean; nil under 2·maxLag values,
    /// or when the stream is constant (or its sums are not finite).
    func normalized() -> (r: [Double], variance: Double, mean: Double)? {
        guard count >= 2 * maxLag else { return nil }
        let n = Double(count), mean = sum / n
        // Σ of the first k and of the last k values, for the mean correction.
        var headSum = 0.0, tailSum = 0.0
        var r = [Double](repeating: 0, count: maxLag + 1)
        for k in 0...maxLag {
            // Σ_{t≥k} (x_t − μ)(x_{t−k} − μ) = P_k − μ(Σ_{t≥k} x_t + Σ_{t<N−k} x_t) + (N − k)μ²
            let covariance = products[k] - mean * ((sum - headSum) + (sum - tailSum)) + (n - Double(k)) * mean * mean
            r[k] = covariance / (n - Double(k))
            headSum += head[k]
            tailSum += recent[(count - 1 - k) % recent.count]
        }
        let variance = r[0]
        guard variance > 0, variance.isFinite else { return nil }
        for k in r.indices { r[k] /= variance }
        return (r, variance, mean)
    }
}
