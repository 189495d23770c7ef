/// Root mean square of a rectangular frame: √(Σ x² / frameLength), in full-scale units (a
/// full-scale sine gives 0.707). Samples outside the signal count as zeros (the caller passes the
/// whole zero-padded frame). ref: librosa.feature.rms (center=True, pad_mode="constant")
func rootMeanSquare(_ frame: UnsafeBufferPointer<Float>) -> Float {
    var sum = 0.0
    for x in frame { sum += Double(x) * Double(x) }
    return Float((sum / Double(frame.count)).squareRoot())
}
