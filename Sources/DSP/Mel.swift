import Foundation

/// A mel scale: hertz → mel. `bin` maps each FFT bin's centre frequency and `edge` the band
/// edges; they are the same function but for frameworks that evaluate the two in different
/// float32 arithmetic (TensorFlow: a tensor log for the bins, libm's `logf` for the scalar edges;
/// YAMNet's front end passes that pair). `htk` is 1127·ln(1 + f/700) through libm.
/// ref: Young et al., The HTK Book, §7.1; tensorflow/python/ops/signal/mel_ops.py, _hertz_to_mel
public struct MelScale: Sendable {
    public var bin: @Sendable (Float) -> Float
    public var edge: @Sendable (Float) -> Float

    public init(bin: @escaping @Sendable (Float) -> Float, edge: @escaping @Sendable (Float) -> Float) {
        self.bin = bin
        self.edge = edge
    }

    public static let htk = MelScale(bin: htkMel, edge: htkMel)
}

/// 1127·ln(1 + f/700) in float32 through libm.
@Sendable public func htkMel(_ hertz: Float) -> Float { 1127.0 * Foundation.log(1.0 + hertz / 700.0) }

/// `count` evenly spaced values from `start` to `stop`, in float32 as TensorFlow's `linspace` computes them:
/// start, start + δ·i (i = 1 … count−2), stop, with δ = (stop − start)/(count − 1).
/// ref: tensorflow/python/ops/math_ops.py, linspace_nd
public func linspace(_ start: Float, _ stop: Float, _ count: Int) -> [Float] {
    precondition(count >= 2)
    let delta = (stop - start) / Float(count - 1)
    var values = [start]
    for i in 1..<(count - 1) { values.append(start + delta * Float(i)) }
    values.append(stop)
    return values
}

/// The mel weight matrix [spectrogramBins, melBins] (row-major), as
/// `tf.signal.linear_to_mel_weight_matrix` computes it in float32 (exactly, with TensorFlow's `scale`): triangular filters that are
/// linear in mel, edges evenly spaced in mel between `lowerHertz` and `upperHertz`, and the DC bin
/// excluded (its row is zero, as in HTK). Weights are in [0, 1]; they are not area-normalised.
/// ref: tensorflow/python/ops/signal/mel_ops.py, linear_to_mel_weight_matrix
public func melWeightMatrix(melBins: Int, spectrogramBins: Int, sampleRate: Float,
                            lowerHertz: Float, upperHertz: Float, scale: MelScale = .htk) throws(DSPError) -> [Float] {
    guard melBins > 0, spectrogramBins > 1 else {
        throw .invalidParameter("mel bins (\(melBins)) and spectrogram bins (\(spectrogramBins))")
    }
    guard lowerHertz >= 0, lowerHertz < upperHertz, upperHertz <= sampleRate / 2 else {
        throw .invalidParameter("mel edges \(lowerHertz)…\(upperHertz) Hz at \(sampleRate) Hz")
    }
    let nyquist = sampleRate / 2
    let binsMel = linspace(0, nyquist, spectrogramBins).dropFirst().map(scale.bin)
    let edges = linspace(scale.edge(lowerHertz), scale.edge(upperHertz), melBins + 2)
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
