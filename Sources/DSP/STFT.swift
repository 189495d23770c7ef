/// Magnitude short-time Fourier transform with `tf.signal.stft` semantics: frames of
/// `frameLength` samples every `hop` samples, no centring and no end padding (so a waveform of
/// L ≥ frameLength samples gives 1 + (L − frameLength) / hop frames, a shorter one gives none),
/// each frame multiplied by a periodic Hann window, zero-padded to `fftLength` and transformed.
/// Output: |X[k]|, k = 0 … fftLength/2, unscaled, float32 (|·| rounded once from double, as
/// `hypotf` does). ref: tensorflow/python/ops/signal/spectral_ops.py, stft
public final class MagnitudeSTFT: @unchecked Sendable {
    public let frameLength: Int
    public let hop: Int
    public let fftLength: Int
    public var bins: Int { fftLength / 2 + 1 }
    private let window: [Float]
    private let plan: RealFFTPlan
    private let frame: UnsafeMutablePointer<Float>
    private let real: UnsafeMutablePointer<Float>
    private let imag: UnsafeMutablePointer<Float>

    public init(frameLength: Int, hop: Int, fftLength: Int) throws(DSPError) {
        guard frameLength > 0, hop > 0, fftLength >= frameLength else {
            throw .invalidParameter("STFT frame \(frameLength), hop \(hop), FFT \(fftLength)")
        }
        self.frameLength = frameLength
        self.hop = hop
        self.fftLength = fftLength
        window = hannWindow(length: frameLength)
        plan = try RealFFTPlan(n: fftLength)
        frame = .allocate(capacity: frameLength)
        real = .allocate(capacity: fftLength / 2 + 1)
        imag = .allocate(capacity: fftLength / 2 + 1)
    }

    deinit {
        frame.deallocate(); real.deallocate(); imag.deallocate()
    }

    /// Number of frames for `samples` input samples.
    public func frameCount(samples: Int) -> Int {
        samples < frameLength ? 0 : 1 + (samples - frameLength) / hop
    }

    /// Magnitude spectrum of the frame starting at `start` into `out` (`bins` values).
    public func magnitude(of waveform: UnsafePointer<Float>, start: Int,
                          into out: UnsafeMutablePointer<Float>) {
        window.withUnsafeBufferPointer { w in
            for t in 0..<frameLength { frame[t] = waveform[start + t] * w[t] }
        }
        plan.forward(frame, count: frameLength, real: real, imag: imag)
        for k in 0..<bins {
            let re = Double(real[k]), im = Double(imag[k])
            out[k] = Float((re * re + im * im).squareRoot())
        }
    }
}
