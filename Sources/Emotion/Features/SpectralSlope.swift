import Foundation

/// Spectral slope in dB/kHz over a band (low ≤ f < high): the least-squares line through the
/// bins' power in dB, 10·log10(density + 1e-12), against frequency. eGeMAPS uses the bands
/// 0–500 Hz and 500–1500 Hz; a flatter (less negative) slope means more vocal effort.
/// The regression weights (f_k − mean f)/Σ(f_k − mean f)² are computed once.
/// ref: Eyben et al. 2016 (eGeMAPS), "spectral slope 0–500 Hz and 500–1500 Hz"; shared/docs/AFFECT.md
struct SpectralSlope {
    private let band: Range<Int>
    private let weights: [Double]

    init(spectrum: SpectrumAnalyzer, fromHz lowHz: Double, belowHz highHz: Double) {
        band = spectrum.bins(from: lowHz, below: highHz)
        let kHz = band.map { Double($0) * spectrum.binHz / 1000 }
        let mean = kHz.reduce(0, +) / Double(max(kHz.count, 1))
        let spread = kHz.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        weights = kHz.map { spread > 0 ? ($0 - mean) / spread : 0 }
    }

    func callAsFunction(density: [Float]) -> Float {
        var slope = 0.0
        for (w, k) in zip(weights, band) { slope += w * 10 * log10(Double(density[k]) + 1e-12) }
        return Float(slope)
    }
}
