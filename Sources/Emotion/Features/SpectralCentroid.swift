/// Spectral centroid in Hz: Σ f_k·|X_k| / Σ |X_k| over all bins (f_k = k·binHz), the magnitude
/// spectrum's centre of mass; 0 for a silent frame. ref: librosa.feature.spectral_centroid
func spectralCentroid(magnitude: [Float], binHz: Double) -> Float {
    var weighted = 0.0, total = 0.0
    for (k, m) in magnitude.enumerated() {
        weighted += Double(k) * Double(m)
        total += Double(m)
    }
    return total > 0 ? Float(weighted / total * binHz) : 0
}
