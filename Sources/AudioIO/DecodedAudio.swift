/// Decoded audio at the file's own sample rate and channel count.
public struct DecodedAudio: Sendable, Equatable {
    /// Interleaved samples (frame 0 channel 0, frame 0 channel 1, …). Integer PCM is scaled to
    /// [-1, 1); float encodings are passed through unchanged.
    public var samples: [Float]
    public var sampleRate: Int
    public var channels: Int

    public init(samples: [Float], sampleRate: Int, channels: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Whole frames (one sample per channel) in `samples`.
    public var frames: Int { channels > 0 ? samples.count / channels : 0 }

    /// The mean over channels of each frame: YAMNet's reference down-mix (`np.mean(wav, axis=1)`
    /// in float64, then float32), so the sum and division run in Double and round once.
    public func mono() -> [Float] {
        guard channels > 1 else { return channels == 1 ? samples : [] }
        return samples.withUnsafeBufferPointer { s in
            [Float](unsafeUninitializedCapacity: frames) { out, initialized in
                Self.downmix(s, channels: channels, into: out.baseAddress!)
                initialized = frames
            }
        }
    }

    /// `mono()` of interleaved `samples` into `out` (samples.count / channels values).
    static func downmix(_ samples: UnsafeBufferPointer<Float>, channels c: Int, into out: UnsafeMutablePointer<Float>) {
        for i in 0..<(samples.count / c) {
            var sum = 0.0
            for j in 0..<c { sum += Double(samples[i * c + j]) }
            out[i] = Float(sum / Double(c))
        }
    }
}
