import Foundation

/// HTK mel scale: 1127·ln(1 + f/700), in float32 as TensorFlow evaluates it over a tensor
/// (Eigen's packet log). ref: tensorflow/python/ops/signal/mel_ops.py, _hertz_to_mel
@inlinable
public func hertzToMel(_ hertz: Float) -> Float {
    1127.0 * tfLog(1.0 + hertz / 700.0)
}

/// The same for a scalar tensor, which Eigen evaluates with libm's `logf` instead of its packet
/// log: TensorFlow computes the band edges this way (measured: bit-identical matrix only so).
func hertzToMelScalar(_ hertz: Float) -> Float {
    1127.0 * Foundation.log(1.0 + hertz / 700.0)
}

/// `count` evenly spaced values from `start` to `stop`, as TensorFlow's float32 `linspace`:
/// start, start + δ·i (i = 1 … count−2), stop, with δ = (stop − start)/(count − 1).
/// ref: tensorflow/python/ops/math_ops.py, linspace_nd
func tfLinspace(_ start: Float, _ stop: Float, _ count: Int) -> [Float] {
    precondition(count >= 2)
    let delta = (stop - start) / Float(count - 1)
    var values = [start]
    for i in 1..<(count - 1) { values.append(start + delta * Float(i)) }
    values.append(stop)
    return values
}

/// The mel weight matrix [spectrogramBins, melBins] (row-major), exactly as
/// `tf.signal.linear_to_mel_weight_matrix` computes it in float32: triangular filters that are
/// linear in mel, edges evenly spaced in mel between `lowerHertz` and `upperHertz`, and the DC bin
/// excluded (its row is zero, as in HTK). Weights are in [0, 1]; they are not area-normalised.
/// ref: tensorflow/python/ops/signal/mel_ops.py, linear_to_mel_weight_matrix
public func melWeightMatrix(melBins: Int, spectrogramBins: Int, sampleRate: Float,
                            lowerHertz: Float, upperHertz: Float) throws(DSPError) -> [Float] {
    guard melBins > 0, spectrogramBins > 1 else {
        throw .invalidParameter("mel bins (\(melBins)) and spectrogram bins (\(spectrogramBins))")
    }
    guard lowerHertz >= 0, lowerHertz < upperHertz, upperHertz <= sampleRate / 2 else {
        throw .invalidParameter("mel edges \(lowerHertz)…\(upperHertz) Hz at \(sampleRate) Hz")
    }
    let nyquist = sampleRate / 2
    let binsMel = tfLinspace(0, nyquist, spectrogramBins).dropFirst().map(hertzToMel)
    let edges = tfLinspace(hertzToMelScalar(lowerHertz), hertzToMelScalar(upperHertz), melBins + 2)
    var matrix = [Float](repeating: 0, count: spectrogramBins * melBins)
    for (row, binMel) in binsMel.enumerated() {
        for m in 0..<melBins {
            let lower = edges[m], center = edges[m + 1], upper = edges[m + 2]
            let lowerSlope = (binMel - lower) / (center - lower)
            let upperSlope = (upper - binMel) / (upper - center)
            matrix[(row + 1) * melBins + m] = max(0, min(lowerSlope, upperSlope))
        }
    }
    return matrix
}
