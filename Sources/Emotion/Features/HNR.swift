import Foundation

/// Harmonics-to-noise ratio in dB from the normalized autocorrelation r at the pitch period:
/// 10·log10(r / (1 − r)), the energy ratio of the periodic to the aperiodic part (r = 0.5 gives
/// 0 dB, r = 0.99 gives 20 dB). r is clamped to [1e-4, 1 − 1e-4], so the result lies in ±40 dB.
/// ref: Boersma 1993, Proc. Inst. Phonetic Sciences Amsterdam 17, eq. 4 (Praat's "cc" method uses
/// the same cross-correlation); shared/docs/AFFECT.md
func harmonicsToNoiseRatio(correlation r: Double) -> Float {
    let c = min(max(r, 1e-4), 1 - 1e-4)
    return Float(10 * log10(c / (1 - c)))
}
