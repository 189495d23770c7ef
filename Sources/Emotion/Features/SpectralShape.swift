// Spectral shape: where the energy sits in frequency, and how it changes frame to frame.
import Foundation

/// Spectral centroid in Hz: Σ f_k·|X_k| / Σ |X_k| over all bins (f_k = k·binHz), the magnitude
/// spectrum's centre of mass; 0 for a silent frame. ref: librosa.feature.spectral_centroid
func spectralCentroid(magnitude: UnsafeBufferPointer<Float>, binHz: Double) -> Float {
    var weighted = 0.0, total = 0.0
    for (k, m) in magnitude.enumerated() {
        weighted += Double(k) * Double(m)
        total += Double(m)
    }
    return total > 0 ? Float(weighted / total * binHz) : 0
}

/// Spectral roll-off in Hz: the lowest bin frequency f_k at which the cumulative magnitude
/// Σ_{j≤k} |X_j| reaches `fraction` (0.85) of the total; 0 for a silent frame.
/// ref: librosa.feature.spectral_rolloff (roll_percent=0.85, magnitude spectrogram)
func spectralRolloff(magnitude: UnsafeBufferPointer<Float>, binHz: Double, fraction: Double) -> Float {
    let threshold = fraction * magnitude.reduce(0.0) { $0 + Double($1) }
    var cumulative = 0.0
    for (k, m) in magnitude.enumerated() {
        cumulative += Double(m)
        if cumulative >= threshold { return Float(Double(k) * binHz) }
    }
    return 0
}

/// Spectral flatness (Wiener entropy): geometric over arithmetic mean of the power spectrum,
/// each bin floored at 1e-10, over all bins; in (0, 1], 1 for white noise (and for silence, where
/// every bin sits on the floor), near 0 for a tone. `power` is unscaled |X|², librosa's scale,
/// which the floor refers to. ref: librosa.feature.spectral_flatness (amin=1e-10, power=2)
func spectralFlatness(power: UnsafeBufferPointer<Float>) -> Float {
    var logSum = 0.0, sum = 0.0
    for p in power {
        let x = max(Double(p), 1e-10)
        logSum += log(x)
        sum += x
    }
    let n = Double(power.count)
    return Float(exp(logSum / n) / (sum / n))
}

/// Spectral slope in dB/kHz over a band (low ≤ f < high, DC excluded): the least-squares line through the
/// bins' power in dB, 10·log10(density + 1e-12), against frequency. eGeMAPS uses the bands
/// 0–500 Hz and 500–1500 Hz; a flatter (less negative) slope means more vocal effort.
/// The regression weights (f_k − mean f)/Σ(f_k − mean f)² are computed once.
/// ref: Eyben et al. 2016 (eGeMAPS), "spectral slope 0–500 Hz and 500–1500 Hz"; shared/docs/AFFECT.md
struct SpectralSlope {
    private let band: Range<Int>
    private let weights: [Double]

    init(spectrum: SpectrumAnalyzer, fromHz lowHz: Double, belowHz highHz: Double) {
        band = spectrum.bins(from: lowHz, below: highHz)
        let kHz = band.map { Double($0) * spectrum.binHz / 1000 }
        let mean = kHz.reduce(0, +) / Double(max(kHz.count, 1))
        let spread = kHz.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        weights = kHz.map { spread > 0 ? ($0 - mean) / spread : 0 }
    }

    func callAsFunction(density: UnsafeBufferPointer<Float>) -> Float {
        var slope = 0.0
        for (w, k) in zip(weights, band) { slope += w * 10 * log10(Double(density[k]) + 1e-12) }
        return Float(slope)
    }
}

/// Spectral flux: the Euclidean distance between successive magnitude spectra, each scaled to
/// unit L2 norm, so it measures change of spectral shape, not of level: 0 … √2 (0 when either
/// frame is silent). ref: Tzanetakis & Cook 2002, IEEE Trans. Speech Audio Process. 10(5),
/// "spectral flux"; eGeMAPS (Eyben et al. 2016) lists it among the spectral descriptors.
struct SpectralFlux {
    private var previous: [Float]
    private var previousSilent = true

    init(bins: Int) { previous = [Float](repeating: 0, count: bins) }

    mutating func next(magnitude: UnsafeBufferPointer<Float>) -> Float {
        let norm = magnitude.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let silent = norm == 0
        var distance = 0.0
        for k in magnitude.indices {
            let current = silent ? 0 : Double(magnitude[k]) / norm
            if !silent && !previousSilent {
                let d = current - Double(previous[k])
                distance += d * d
            }
            previous[k] = Float(current)
        }
        defer { previousSilent = silent }
        return silent || previousSilent ? 0 : Float(distance.squareRoot())
    }
}
