/// Spectral roll-off in Hz: the lowest bin frequency f_k at which the cumulative magnitude
/// Σ_{j≤k} |X_j| reaches `fraction` (0.85) of the total; 0 for a silent frame.
/// ref: librosa.feature.spectral_rolloff (roll_percent=0.85, magnitude spectrogram)
func spectralRolloff(magnitude: [Float], binHz: Double, fraction: Double) -> Float {
    let threshold = fraction * magnitude.reduce(0.0) { $0 + Double($1) }
    var cumulative = 0.0
    for (k, m) in magnitude.enumerated() {
        cumulative += Double(m)
        if cumulative >= threshold { return Float(Double(k) * binHz) }
    }
    return 0
}
