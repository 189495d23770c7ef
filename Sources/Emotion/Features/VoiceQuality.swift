// Voice quality: periodicity and the balance of low and high energy (eGeMAPS).
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

/// Alpha ratio in dB: 10·log10(E(1–5 kHz) / E(50 Hz–1 kHz)), E the summed power of the bins in each
/// band (low ≤ f < high); more negative means less high-frequency energy (a softer, breathier or
/// sadder voice). 1e-12 is added to each sum, so silence gives 0 dB. The lower band starts at
/// 50 Hz as in eGeMAPS, to keep DC offset and rumble out.
/// ref: Eyben et al. 2016 (eGeMAPS), "alpha ratio"; shared/docs/AFFECT.md
struct AlphaRatio {
    private let low: Range<Int>, high: Range<Int>

    init(spectrum: SpectrumAnalyzer) {
        low = spectrum.bins(from: 50, below: 1000)
        high = spectrum.bins(from: 1000, below: 5000)
    }

    func callAsFunction(density: UnsafeBufferPointer<Float>) -> Float {
        let lowEnergy = density[low].reduce(0.0) { $0 + Double($1) }
        let highEnergy = density[high].reduce(0.0) { $0 + Double($1) }
        return Float(10 * log10((highEnergy + 1e-12) / (lowEnergy + 1e-12)))
    }
}

/// Hammarberg index in dB: 10·log10(max power in 0–2 kHz / max power in 2–5 kHz), the strongest
/// bin below 2 kHz (DC excluded) over the strongest between 2 and 5 kHz; larger means a steeper spectral tilt
/// (less vocal effort). 1e-12 is added to each maximum, so silence gives 0 dB.
/// ref: Hammarberg et al. 1980, Acta Otolaryngol. 90; Eyben et al. 2016 (eGeMAPS);
/// shared/docs/AFFECT.md
struct HammarbergIndex {
    private let low: Range<Int>, high: Range<Int>

    init(spectrum: SpectrumAnalyzer) {
        low = spectrum.bins(from: 0, below: 2000)
        high = spectrum.bins(from: 2000, below: 5000)
    }

    func callAsFunction(density: UnsafeBufferPointer<Float>) -> Float {
        let lowPeak = density[low].max().map(Double.init) ?? 0
        let highPeak = density[high].max().map(Double.init) ?? 0
        return Float(10 * log10((lowPeak + 1e-12) / (highPeak + 1e-12)))
    }
}
