// Level: how loud, and how often the waveform crosses zero.
import Foundation

/// Root mean square of a rectangular frame: √(Σ x² / frameLength), in full-scale units (a
/// full-scale sine gives 0.707). Samples outside the signal count as zeros (the caller passes the
/// whole zero-padded frame). ref: librosa.feature.rms (center=True, pad_mode="constant")
func rootMeanSquare(_ frame: UnsafeBufferPointer<Float>) -> Float {
    var sum = 0.0
    for x in frame { sum += Double(x) * Double(x) }
    return Float((sum / Double(frame.count)).squareRoot())
}

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

    func callAsFunction(density: UnsafeBufferPointer<Float>) -> Float {
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

/// Zero-crossing rate: sign changes between consecutive samples, divided by `frameLength`
/// (a fraction per sample pair; ×16000 gives crossings per second). |x| ≤ 1e-10 counts as 0, and
/// 0 as positive. `samples` are the frame's samples that lie inside the signal: librosa pads
/// with edge values, which add no crossings, so pairs outside the signal are simply not counted.
/// ref: librosa.feature.zero_crossing_rate (center=True), librosa.zero_crossings (threshold=1e-10,
/// zero_pos=True, pad=False)
func zeroCrossingRate(_ samples: UnsafeBufferPointer<Float>, frameLength: Int) -> Float {
    guard var previous = samples.first.map(isNegative) else { return 0 }
    var crossings = 0
    for x in samples.dropFirst() {
        let negative = isNegative(x)
        if negative != previous { crossings += 1 }
        previous = negative
    }
    return Float(crossings) / Float(frameLength)
}

@inline(__always)
private func isNegative(_ x: Float) -> Bool { x < -1e-10 }
