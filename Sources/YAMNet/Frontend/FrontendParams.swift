/// Hyper-parameters of YAMNet's log-mel front end, mirroring the reference `params.py`
/// (ref: tensorflow/models research/audioset/yamnet/params.py). Derived sizes follow
/// `features.py` arithmetic exactly (Python `round`, `int` truncation, double precision).
public struct FrontendParams: Sendable, Equatable {
    public var sampleRate: Int = 16000
    public var stftWindowSeconds: Double = 0.025
    public var stftHopSeconds: Double = 0.010
    public var melBands: Int = 64
    public var melMinHz: Double = 125
    public var melMaxHz: Double = 7500
    public var logOffset: Double = 0.001
    public var patchWindowSeconds: Double = 0.96
    public var patchHopSeconds: Double = 0.48

    public init() {}

    /// 400 samples. ref: features.py, int(round(sample_rate * stft_window_seconds))
    public var windowSamples: Int { Int((Double(sampleRate) * stftWindowSeconds).rounded(.toNearestOrEven)) }
    /// 160 samples.
    public var hopSamples: Int { Int((Double(sampleRate) * stftHopSeconds).rounded(.toNearestOrEven)) }
    /// 512: the next power of two ≥ the window. ref: features.py, fft_length
    public var fftLength: Int {
        var n = 1
        while n < windowSamples { n <<= 1 }
        return n
    }
    /// 257.
    public var spectrogramBins: Int { fftLength / 2 + 1 }
    /// 96 frames. ref: features.py, patch_window_length_samples (in spectrogram frames)
    public var patchFrames: Int {
        let frameRate = Double(sampleRate) / Double(hopSamples)
        return Int((frameRate * patchWindowSeconds).rounded(.toNearestOrEven))
    }
    /// 48 frames.
    public var patchHopFrames: Int {
        let frameRate = Double(sampleRate) / Double(hopSamples)
        return Int((frameRate * patchHopSeconds).rounded(.toNearestOrEven))
    }
    /// 15600 samples (0.975 s): the shortest waveform that yields one patch.
    /// ref: features.py, pad_waveform, min_waveform_seconds (truncated like tf.cast to int32)
    public var minimumSamples: Int {
        Int((patchWindowSeconds + stftWindowSeconds - stftHopSeconds) * Double(sampleRate))
    }
    /// 7680 samples (0.48 s). ref: features.py, pad_waveform, hop_samples
    public var patchHopSamples: Int { Int(patchHopSeconds * Double(sampleRate)) }
}
