import Foundation

/// Tempo in BPM from the onset strength's autocorrelation, accumulated while streaming.
///
/// 1. r(k): the autocorrelation of the mean-removed onset strength over the whole file, unbiased
///    (divided by the N − k products) and normalized by r(0), lags k = 0 … 201 (≥ 30 BPM at
///    100 frames/s). Running sums give it exactly in O(lags) memory: Σ o_t·o_{t−k}, Σ o_t, and the
///    first and last 202 values for the mean correction.
/// 2. Salience s(k) = prior(k)·m(k) over lags for 30–300 BPM, with m(k) = Σ_{j=k−1…k+1} max(r_j, 0)
///    (a beat period between two frame lags splits its peak over both) and prior a log-normal
///    weight centred on 120 BPM with one octave standard deviation, as in librosa.feature.tempo.
///    The best lag is the candidate.
/// 3. Metrical level: while the lag near half the candidate (≤ 200 BPM) keeps m ≥ 0.75 of the
///    candidate's, take it. Accents that alternate (kick, snare, kick, snare) make the two-beat
///    lag at least as periodic as the beat; this prefers the faster of two periodic levels unless
///    the faster one is clearly weaker (an off-beat hi-hat grid). 0.7–0.8 all pass the tests'
///    click tracks and drum loops at 60–180 BPM; 0.75 sits in the middle.
/// 4. Parabolic interpolation of r around the lag's local maximum gives the period; the vertex
///    value, clamped to [0, 1], is the confidence (1: strictly periodic onsets).
/// ref: librosa.feature.tempo (prior start_bpm=120, std_bpm=1); Ellis 2007, J. New Music Res.
/// 36(1) (tempo prior, metrical-level choice); shared/docs/AFFECT.md
struct TempoEstimator {
    private static let octaveRatio = 0.75, maxFasterBPM = 200.0
    private let frameRate: Double
    private let minLag: Int, maxLag: Int, top: Int      // salience lags minLag…maxLag, r up to top
    private var products: [Double]     // Σ_t o_t·o_{t−k}, k = 0 … top
    private var head: [Double]         // first top + 1 values
    private var recent: [Double]       // ring of the last top + 1 values
    private var sum = 0.0
    private var count = 0

    init(frameRate: Double) {
        self.frameRate = frameRate
        minLag = Int((60 * frameRate / 300).rounded(.up))
        maxLag = Int((60 * frameRate / 30).rounded(.down))
        top = maxLag + 1
        products = [Double](repeating: 0, count: top + 1)
        head = []
        recent = products
    }

    mutating func add(_ strength: Float) {
        let x = Double(strength)
        recent[count % recent.count] = x
        if head.count < recent.count { head.append(x) }
        for k in 0...min(top, count) { products[k] += x * recent[(count - k) % recent.count] }
        sum += x
        count += 1
    }

    /// The estimate, or nil when the file is shorter than two periods of the slowest tempo
    /// (4 s at 100 frames/s) or its onset strength is constant.
    func estimate() -> TempoEstimate? {
        guard count >= 2 * top else { return nil }
        let n = Double(count), mean = sum / n
        // Σ of the first k and of the last k values, for the mean correction.
        var headSum = 0.0, tailSum = 0.0
        var r = [Double](repeating: 0, count: top + 1)
        for k in 0...top {
            // Σ_{t≥k} (o_t − μ)(o_{t−k} − μ) = P_k − μ(Σ_{t≥k} o_t + Σ_{t<N−k} o_t) + (N − k)μ²
            let covariance = products[k] - mean * ((sum - headSum) + (sum - tailSum)) + (n - Double(k)) * mean * mean
            r[k] = covariance / (n - Double(k))
            headSum += head[k]
            tailSum += recent[(count - 1 - k) % recent.count]
        }
        guard r[0] > 0 else { return nil }
        for k in stride(from: top, through: 0, by: -1) { r[k] /= r[0] }

        let mass = { (k: Int) in max(r[k - 1], 0) + max(r[k], 0) + max(r[k + 1], 0) }
        let bpm = { (lag: Double) in 60 * frameRate / lag }
        var lag = (minLag...maxLag).max { a, b in
            tempoPrior(bpm(Double(a))) * mass(a) < tempoPrior(bpm(Double(b))) * mass(b)
        }!
        while true {
            guard max(minLag, lag / 2 - 1) <= lag / 2 + 1 else { break }      // no faster lag in range
            let candidates = max(minLag, lag / 2 - 1)...(lag / 2 + 1)
            guard let faster = candidates.max(by: { mass($0) < mass($1) }), faster < lag,
                  bpm(Double(faster)) <= Self.maxFasterBPM,
                  mass(faster) >= Self.octaveRatio * mass(lag) else { break }
            lag = faster
        }
        lag = ((lag - 1)...(lag + 1)).max { r[$0] < r[$1] }!
        let (a, b, c) = (r[lag - 1], r[lag], r[lag + 1])
        let curvature = a - 2 * b + c
        let shift = curvature < 0 ? 0.5 * (a - c) / curvature : 0
        let peak = b - 0.25 * (a - c) * shift
        return TempoEstimate(bpm: bpm(Double(lag) + shift), confidence: min(1, max(0, peak)))
    }
}

/// Log-normal tempo prior: exp(−½·log2(bpm/120)²). ref: librosa.feature.tempo
func tempoPrior(_ bpm: Double) -> Double {
    let octaves = log2(bpm / 120)
    return exp(-0.5 * octaves * octaves)
}
