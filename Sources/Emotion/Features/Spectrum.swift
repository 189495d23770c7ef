import DSP

/// Spectra of one windowed frame, on a plan built once: a periodic Hann window of `window`
/// samples (DSP's `hannWindow`), zero-padded to `fftLength`, transformed by a `RealFFTPlan`.
/// For bins k = 0 … fftLength/2 (k·binHz Hz):
///   magnitude[k] = |X[k]|, power[k] = |X[k]|² — unscaled, librosa's `stft(window="hann")` scale;
///   density[k] = power[k]·c[k] / (fftLength·Σw²), c = 1 at DC and Nyquist, else 2: a one-sided
///   power spectrum in full-scale units, summing to the frame's window-weighted mean square
///   (Parseval), so a full-scale sine sums to 0.5 (−3 dB).
/// A frame that starts `window/2` before its centre has the magnitude of librosa's centred
/// frame (`win_length=window` padded to `n_fft`): the padding only shifts the phase.
final class SpectrumAnalyzer {
    let window: Int
    let fftLength: Int
    let bins: Int
    let binHz: Double
    private(set) var magnitude: [Float]
    private(set) var power: [Float]
    private(set) var density: [Float]
    private let weights: [Float]
    private let densityScale: [Float]
    private let plan: RealFFTPlan
    private var frame: [Float], real: [Float], imag: [Float]

    init(window: Int, fftLength: Int, sampleRate: Int) throws(DSPError) {
        guard window > 0, window <= fftLength else {
            throw .invalidParameter("spectrum window \(window) for FFT \(fftLength)")
        }
        self.window = window
        self.fftLength = fftLength
        bins = fftLength / 2 + 1
        binHz = Double(sampleRate) / Double(fftLength)
        plan = try RealFFTPlan(n: fftLength)
        weights = hannWindow(length: window)
        let energy = weights.reduce(0.0) { $0 + Double($1) * Double($1) }
        densityScale = (0..<(fftLength / 2 + 1)).map { k in
            Float((k == 0 || k == fftLength / 2 ? 1 : 2) / (Double(fftLength) * energy))
        }
        magnitude = [Float](repeating: 0, count: bins)
        power = magnitude; density = magnitude
        frame = [Float](repeating: 0, count: window)
        real = magnitude; imag = magnitude
    }

    /// Analyses the `window` samples at `samples`.
    func analyze(_ samples: UnsafePointer<Float>) {
        for t in 0..<window { frame[t] = samples[t] * weights[t] }
        frame.withUnsafeBufferPointer { f in
            real.withUnsafeMutableBufferPointer { re in
                imag.withUnsafeMutableBufferPointer { im in
                    plan.forward(f.baseAddress!, count: window, real: re.baseAddress!, imag: im.baseAddress!)
                }
            }
        }
        for k in 0..<bins {
            let re = Double(real[k]), im = Double(imag[k])
            let p = re * re + im * im
            power[k] = Float(p)
            magnitude[k] = Float(p.squareRoot())
            density[k] = Float(p) * densityScale[k]
        }
    }

    /// Bins k with lowHz ≤ k·binHz < highHz (clamped to the spectrum).
    func bins(from lowHz: Double, below highHz: Double) -> Range<Int> {
        let low = min(bins, max(0, Int((lowHz / binHz).rounded(.up))))
        let high = min(bins, max(low, Int((highHz / binHz).rounded(.up))))
        return low..<high
    }
}
