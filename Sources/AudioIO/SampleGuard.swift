/// What the engine accepts of decoded audio (README "Security → Engine limits"), in one place: the
/// sample rates every decoder admits before decoding, and what becomes of each decoded sample value
/// before any arithmetic on it.
public enum SampleGuard {
    /// Sample rates decoded, in Hz: 4 kHz (below any speech or music codec's rate; 8 kHz is
    /// telephony's) to 768 kHz (the highest rate of DXD/PCM recorders and interfaces). A header
    /// outside is refused before any sample is read, so a tiny file cannot declare hours of audio
    /// at 1 Hz, nor a resampler filter sized for a rate of megahertz.
    public static let sampleRates = 4000...768_000

    /// The largest sample magnitude accepted: 2^15. Integer PCM decodes to [−1, 1) and float audio
    /// is nominally ±1; some writers store float samples in 16-bit integer units (±32768), which
    /// are still analysed (at about +90 dB). Above 2^15 no convention makes the value audio, and
    /// the bound keeps every Float power sum downstream (a 2048-point frame's energy ≤ 2^52) far
    /// below Float's range (2^128), so the features cannot overflow to ±inf.
    public static let maxMagnitude: Float = 0x1p15

    /// Throws `.unsupportedSampleRate` unless `rate` is in `sampleRates`.
    public static func checkRate(_ rate: Int, path: String) throws(AudioError) {
        guard sampleRates.contains(rate) else {
            throw .unsupportedSampleRate(path: path, rate: rate, range: sampleRates)
        }
    }

    /// Applies the sample-value policy to decoded samples in place: subnormal values (below
    /// 2^−126, some −759 dBFS) become 0, as they are inaudible and slow every FPU stage after
    /// them; NaN, ±inf and magnitudes over `maxMagnitude` throw `.sampleOutOfRange`, naming the
    /// sample's index in the file (`first`: the index of `samples[0]`, interleaved order).
    public static func apply(_ samples: UnsafeMutableBufferPointer<Float>, first: Int, path: String) throws(AudioError) {
        for i in samples.indices {
            let x = samples[i], m = x.magnitude
            if m < Float.leastNormalMagnitude {
                samples[i] = 0
            } else if !(m <= maxMagnitude) {                  // NaN fails every comparison
                throw .sampleOutOfRange(path: path, index: first + i, value: "\(x)", limit: Int(maxMagnitude))
            }
        }
    }
}
