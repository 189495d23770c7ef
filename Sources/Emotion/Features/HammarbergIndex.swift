import Foundation

/// Hammarberg index in dB: 10·log10(max power in 0–2 kHz / max power in 2–5 kHz), the strongest
/// bin below 2 kHz over the strongest between 2 and 5 kHz; larger means a steeper spectral tilt
/// (less vocal effort). 1e-12 is added to each maximum, so silence gives 0 dB.
/// ref: Hammarberg et al. 1980, Acta Otolaryngol. 90; Eyben et al. 2016 (eGeMAPS);
/// shared/docs/AFFECT.md
struct HammarbergIndex {
    private let low: Range<Int>, high: Range<Int>

    init(spectrum: SpectrumAnalyzer) {
        low = spectrum.bins(from: 0, below: 2000)
        high = spectrum.bins(from: 2000, below: 5000)
    }

    func callAsFunction(density: [Float]) -> Float {
        let lowPeak = density[low].max().map(Double.init) ?? 0
        let highPeak = density[high].max().map(Double.init) ?? 0
        return Float(10 * log10((lowPeak + 1e-12) / (highPeak + 1e-12)))
    }
}
