import Foundation

/// Hann window of `length` samples, w[n] = 0.5 − 0.5·cos(2πn / D), with D = length when
/// `periodic` (the DFT-even window spectral analysis uses) and length − 1 when symmetric.
/// Computed in double and rounded once, unless `cos` is given: then in float32 with that cosine,
/// for a model that must reproduce another framework's arithmetic (YAMNet's front end passes
/// TensorFlow's: `tfHannWindow`).
/// ref: Harris, "On the use of windows for harmonic analysis with the DFT", Proc. IEEE 66(1), 1978;
/// scipy.signal.windows.hann (sym=False is periodic)
public func hannWindow(length: Int, periodic: Bool = true,
                       cos: ((Float) -> Float)? = nil) -> [Float] {
    precondition(length > 0)
    if length == 1 { return [1] }
    let denominator = periodic ? length : length - 1
    guard let cos else {
        return (0..<length).map { n in Float(0.5 - 0.5 * Foundation.cos(2 * Double.pi * Double(n) / Double(denominator))) }
    }
    let twoPi = Float(2 * Double.pi)
    return (0..<length).map { n in 0.5 - 0.5 * cos(twoPi * Float(n) / Float(denominator)) }
}
