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
    /// Each `bins` long, rewritten by every `analyze`.
    let magnitude: UnsafeBufferPointer<Float>
    let power: UnsafeBufferPointer<Float>
    let density: UnsafeBufferPointer<Float>
    private let weights: [Float]
    private let densityScale: [Float]
    private let plan: RealFFTPlan
    private let frame: UnsafeMutablePointer<Float>          // [window]
    private let real: UnsafeMutablePointer<Float>           // [bins]
    private let imag: UnsafeMutablePointer<Float>           // [bins]
    private let outputs: UnsafeMutablePointer<Float>        // [3, bins]: magnitude, power, density

    init(window: Int, fftLength: Int, sampleRate: Int) throws(DSPError) {
        guard window > 0, window <= fftLength else {
            throw .invalidParameter("spectrum window \(window) for FFT \(fftLength)")
        }
        self.window = window
        self.fftLength = fftLength
        let bins = fftLength / 2 + 1
        self.bins = bins
        binHz = Double(sampleRate) / Double(fftLength)
        plan = try RealFFTPlan(n: fftLength)
        weights = hannWindow(length: window)
        let energy = weights.reduce(0.0) { $0 + Double($1) * Double($1) }
        densityScale = (0..<bins).map { k in
            Float((k == 0 || k == bins - 1 ? 1 : 2) / (Double(fftLength) * energy))
        }
        frame = .allocate(capacity: window)
        real = .allocate(capacity: bins)
        imag = .allocate(capacity: bins)
        outputs = .allocate(capacity: 3 * bins)
        outputs.initialize(repeating: 0, count: 3 * bins)
        magnitude = UnsafeBufferPointer(start: outputs, count: bins)
        power = UnsafeBufferPointer(start: outputs + bins, count: bins)
        density = UnsafeBufferPointer(start: outputs + 2 * bins, count: bins)
    }

    deinit {
        frame.deallocate(); real.deallocate(); imag.deallocate(); outputs.deallocate()
    }

    /// Analyses the `window` samples at `samples`.
    func analyze(_ samples: UnsafePointer<Float>) {
        weights.withUnsafeBufferPointer { w in
            for t in 0..<window { frame[t] = samples[t] * w[t] }
        }
        plan.forward(frame, count: window, real: real, imag: imag)
        densityScale.withUnsafeBufferPointer { scale in
            for k in 0..<bins {
                let re = Double(real[k]), im = Double(imag[k])
                let p = re * re + im * im
                outputs[k] = Float(p.squareRoot())
                outputs[bins + k] = Float(p)
                outputs[2 * bins + k] = Float(p) * scale[k]
            }
        }
    }

    /// Bins k with lowHz ≤ k·binHz < highHz, clamped to the spectrum and never the DC bin (it
    /// holds any DC offset, and its one-sided density is not doubled).
    func bins(from lowHz: Double, below highHz: Double) -> Range<Int> {
        let low = min(bins, max(1, Int((lowHz / binHz).rounded(.up))))
        let high = min(bins, max(low, Int((highHz / binHz).rounded(.up))))
        return low..<high
    }
}
