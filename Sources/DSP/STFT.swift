/// Magnitude short-time Fourier transform with `tf.signal.stft` semantics: frames of
/// `frameLength` samples every `hop` samples, no centring and no end padding (so a waveform of
/// L ≥ frameLength samples gives 1 + (L − frameLength) / hop frames, a shorter one gives none),
/// each frame multiplied by `window` (`frameLength` values), zero-padded to `fftLength` and transformed.
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
    private let frame4: UnsafeMutablePointer<SIMD4<Float>>
    private let real4: UnsafeMutablePointer<SIMD4<Float>>
    private let imag4: UnsafeMutablePointer<SIMD4<Float>>

    public init(frameLength: Int, hop: Int, fftLength: Int, window: [Float]) throws(DSPError) {
        guard frameLength > 0, hop > 0, fftLength >= frameLength, window.count == frameLength else {
            throw .invalidParameter("STFT frame \(frameLength), hop \(hop), FFT \(fftLength)")
        }
        self.frameLength = frameLength
        self.hop = hop
        self.fftLength = fftLength
        self.window = window
        plan = try RealFFTPlan(n: fftLength)
        frame = .allocate(capacity: frameLength)
        real = .allocate(capacity: fftLength / 2 + 1)
        imag = .allocate(capacity: fftLength / 2 + 1)
        frame4 = .allocate(capacity: frameLength)
        real4 = .allocate(capacity: fftLength / 2 + 1)
        imag4 = .allocate(capacity: fftLength / 2 + 1)
    }

    deinit {
        frame.deallocate(); real.deallocate(); imag.deallocate()
        frame4.deallocate(); real4.deallocate(); imag4.deallocate()
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
        for k in 0..<bins { out[k] = Self.magnitude(real[k], imag[k]) }
    }

    /// The four frames starting at `start`, `start + hop`, … into rows `out[0..<4·bins]`:
    /// the same values as four `magnitude` calls, computed in SIMD lanes.
    public func magnitude4(of waveform: UnsafePointer<Float>, start: Int,
                           into out: UnsafeMutablePointer<Float>) {
        let (s0, s1, s2, s3) = (waveform + start, waveform + start + hop, waveform + start + 2 * hop, waveform + start + 3 * hop)
        window.withUnsafeBufferPointer { w in
            for t in 0..<frameLength { frame4[t] = SIMD4(s0[t], s1[t], s2[t], s3[t]) * w[t] }
        }
        plan.forward4(frame4, count: frameLength, real: real4, imag: imag4)
        for k in 0..<bins {
            let re = real4[k], im = imag4[k]
            for lane in 0..<4 { out[lane * bins + k] = Self.magnitude(re[lane], im[lane]) }
        }
    }

    /// |re + i·im| rounded once from double, as `hypotf` does.
    @inline(__always)
    static func magnitude(_ real: Float, _ imag: Float) -> Float {
        let re = Double(real), im = Double(imag)
        return Float((re * re + im * im).squareRoot())
    }
}
