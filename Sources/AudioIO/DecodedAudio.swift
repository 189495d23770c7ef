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
        let n = frames, c = channels
        return samples.withUnsafeBufferPointer { s in
            [Float](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    var sum = 0.0
                    for j in 0..<c { sum += Double(s[i * c + j]) }
                    out[i] = Float(sum / Double(c))
                }
                initialized = n
            }
        }
    }
}

