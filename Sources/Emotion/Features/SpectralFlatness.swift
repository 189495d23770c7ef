import Foundation

/// Spectral flatness (Wiener entropy): geometric over arithmetic mean of the power spectrum,
/// each bin floored at 1e-10, over all bins; in (0, 1], 1 for white noise (and for silence, where
/// every bin sits on the floor), near 0 for a tone. `power` is unscaled |X|², librosa's scale,
/// which the floor refers to. ref: librosa.feature.spectral_flatness (amin=1e-10, power=2)
func spectralFlatness(power: [Float]) -> Float {
    var logSum = 0.0, sum = 0.0
    for p in power {
        let x = max(Double(p), 1e-10)
        logSum += log(x)
        sum += x
    }
    let n = Double(power.count)
    return Float(exp(logSum / n) / (sum / n))
}
