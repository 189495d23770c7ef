import Foundation

/// Loudness level in dB re full scale, A-weighted: 10·log10(Σ_k A(f_k)²·density_k + 1e-12), where
/// density is the frame's one-sided power spectrum summing to its mean square (a full-scale 1 kHz
/// sine: −3.0 dB) and A(f) the IEC 61672-1 A-weighting (0 dB at 1 kHz), which discounts the low
/// and very high frequencies the ear is less sensitive to. Silence gives −120 dB.
/// ref: IEC 61672-1:2013, eq. E.6 (A-weighting); eGeMAPS (Eyben et al. 2016) loudness is the
/// perceptual analogue; shared/docs/AFFECT.md ranks loudness first among arousal cues.
struct Loudness {
    /// A(f_k)², per bin.
    private let weights: [Double]

    init(bins: Int, binHz: Double) {
        weights = (0..<bins).map { k in
            let r = aWeightingGain(Double(k) * binHz)
            return r * r
        }
    }

    func callAsFunction(density: [Float]) -> Float {
        var sum = 0.0
        for k in weights.indices { sum += weights[k] * Double(density[k]) }
        return Float(10 * log10(sum + 1e-12))
    }
}

/// A-weighting as an amplitude gain (1 at 1 kHz). ref: IEC 61672-1:2013, eq. E.6, with the +2.00 dB
/// normalisation constant.
func aWeightingGain(_ f: Double) -> Double {
    let f2 = f * f
    let numerator = 12194.0 * 12194.0 * f2 * f2
    let denominator = (f2 + 20.6 * 20.6) * ((f2 + 107.7 * 107.7) * (f2 + 737.9 * 737.9)).squareRoot()
        * (f2 + 12194.0 * 12194.0)
    return numerator / denominator * pow(10, 2.0 / 20)
}
