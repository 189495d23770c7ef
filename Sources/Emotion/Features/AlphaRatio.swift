import Foundation

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

    func callAsFunction(density: [Float]) -> Float {
        let lowEnergy = density[low].reduce(0.0) { $0 + Double($1) }
        let highEnergy = density[high].reduce(0.0) { $0 + Double($1) }
        return Float(10 * log10((highEnergy + 1e-12) / (lowEnergy + 1e-12)))
    }
}
