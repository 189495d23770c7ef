/// YAMNet's front end: pad the waveform, compute the log-mel spectrogram, cut it into patches.
///
/// Padding (ref: yamnet features.py, pad_waveform): zeros are appended until the waveform has at
/// least `minimumSamples` (15600 = 0.975 s), then until the samples after the first patch are a
/// whole number of `patchHopSamples` (7680 = 0.48 s). An empty waveform becomes 15600 zeros and
/// gives one patch of silence (log 0.001 everywhere), exactly like the reference.
/// Patches (ref: features.py, tf.signal.frame(log_mel, 96, 48, axis=0)): N = 1 + (frames − 96)/48
/// windows of [96, 64] frames, hop 48; N = 0 only if frames < 96, which padding rules out.
public struct PatchFrontend: Sendable {
    public let params: FrontendParams

    public init(params: FrontendParams = FrontendParams()) { self.params = params }

    /// Length of the padded waveform for `samples` input samples.
    public func paddedLength(samples: Int) -> Int {
        let minimum = params.minimumSamples, hop = params.patchHopSamples
        let padded = max(samples, minimum)
        let afterFirstPatch = padded - minimum
        // The reference rounds this ceil through float32, which can only lose a hop (and then
        // fail) for hours-long input; the exact integer ceil equals it wherever it succeeds.
        let hops = (afterFirstPatch + hop - 1) / hop
        return minimum + hops * hop
    }

    /// Number of patches in a log-mel spectrogram of `frames` frames.
    public func patchCount(frames: Int) -> Int {
        frames < params.patchFrames ? 0 : 1 + (frames - params.patchFrames) / params.patchHopFrames
    }

    /// Number of log-mel frames and patches for `samples` input samples (after padding).
    public func shape(samples: Int) -> (frames: Int, patches: Int) {
        let padded = paddedLength(samples: samples)
        let frames = padded < params.windowSamples ? 0
            : 1 + (padded - params.windowSamples) / params.hopSamples
        return (frames, patchCount(frames: frames))
    }

    /// The zero-padded copy of `waveform`.
    public func pad(_ waveform: [Float]) -> [Float] {
        waveform + [Float](repeating: 0, count: paddedLength(samples: waveform.count) - waveform.count)
    }

    /// Copies patch `index` of `logMel` ([patchFrames, bands] values) to `out`.
    public func copyPatch(_ index: Int, of logMel: UnsafePointer<Float>, bands: Int,
                          into out: UnsafeMutablePointer<Float>) {
        let count = params.patchFrames * bands
        out.update(from: logMel + index * params.patchHopFrames * bands, count: count)
    }

    /// Patches [N, 96, 64] of a log-mel spectrogram, row-major.
    public func patches(of logMel: LogMel) -> [Float] {
        let n = patchCount(frames: logMel.frames)
        let size = params.patchFrames * logMel.bands
        var out = [Float](repeating: 0, count: n * size)
        logMel.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n { copyPatch(i, of: src.baseAddress!, bands: logMel.bands, into: dst.baseAddress! + i * size) }
            }
        }
        return out
    }
}
