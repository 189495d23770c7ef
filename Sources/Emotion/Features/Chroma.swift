import Foundation

/// Chroma: the power spectrum projected on 12 pitch classes (C, C♯, …, B) by librosa's chroma
/// filterbank, then divided by the frame's largest class (∞-norm; a silent frame stays 0).
/// Filterbank, for FFT bin k at f_k = k·sr/n (k ≥ 1) with tuning 0 (A4 = 440 Hz):
///   b_k = 12·log2(f_k / 27.5)  (semitones; b_0 = b_1 − 18),  width_k = max(b_{k+1} − b_k, 1);
///   w[c][k] = exp(−½·(2·D/width_k)²), D = (b_k − c) wrapped to [−6, 6);
///   each bin's column scaled to unit L2 norm over c, then weighted by
///   exp(−½·((b_k/12 − 5)/2)²) (centred on octave 5 = 880 Hz, 2 octaves wide), and the classes
///   rotated so that row 0 is C.
/// ref: librosa.filters.chroma (ctroct=5, octwidth=2, norm=2, base_c=True),
/// librosa.feature.chroma_stft (power spectrogram, norm=inf, tuning=0); Ellis, chromagram_E
struct Chroma {
    static let classes = 12
    /// w[c][k], row-major [12, bins].
    private let weights: [Double]
    private let bins: Int

    init(fftLength n: Int, sampleRate: Int) {
        let classes = Self.classes
        bins = n / 2 + 1
        var b = [Double](repeating: 0, count: n)
        for k in 1..<n { b[k] = Double(classes) * log2(Double(k) * Double(sampleRate) / Double(n) / 27.5) }
        b[0] = b[1] - 1.5 * Double(classes)
        let width = (0..<n).map { k in k + 1 < n ? max(b[k + 1] - b[k], 1) : 1 }
        var w = [Double](repeating: 0, count: classes * bins)
        for k in 0..<bins {
            var column = (0..<classes).map { c -> Double in
                // np.remainder(b − c + 6 + 120, 12) − 6
                let d = (b[k] - Double(c) + 6 + 120).truncatingRemainder(dividingBy: 12) - 6
                let z = 2 * d / width[k]
                return exp(-0.5 * z * z)
            }
            let norm = column.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let octave = (b[k] / 12 - 5) / 2
            let emphasis = exp(-0.5 * octave * octave)
            column = column.map { (norm > 0 ? $0 / norm : $0) * emphasis }
            // base_c: np.roll(w, −3) — class c takes the row of class c + 3 (A-based → C-based).
            for c in 0..<classes { w[c * bins + k] = column[(c + 3) % classes] }
        }
        weights = w
    }

    /// The 12 chroma values of a frame with unscaled power spectrum `power` (`bins` values).
    func callAsFunction(power: [Float]) -> [Float] {
        var chroma = (0..<Self.classes).map { c in
            var sum = 0.0
            for k in 0..<bins { sum += weights[c * bins + k] * Double(power[k]) }
            return sum
        }
        let peak = chroma.max()!
        if peak > Double(Float.leastNormalMagnitude) { chroma = chroma.map { $0 / peak } }
        return chroma.map { Float($0) }
    }
}
