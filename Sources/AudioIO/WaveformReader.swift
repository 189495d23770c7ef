import DSP

/// What the engine hears of an audio file (format detected from its content), read into buffers
/// the caller owns, in the style of dr_flac's `drflac_read_pcm_frames_f32(handle, count, out)`:
/// open, then `read(into:)` as often as needed. Each chunk the `AudioStream` decodes is
/// down-mixed to mono (the mean of the channels in double precision, as YAMNet's reference does)
/// into a scratch buffer and resampled to `sampleRate` by one polyphase Kaiser `Resampler` into
/// another; both grow to the largest chunk once and are reused, so reading allocates nothing
/// beyond the decoder's own chunk. The samples read are bit-identical to resampling the whole
/// file at once.
///
/// Validation happens here, once: every decoded sample passes `SampleGuard.apply` before it is
/// mixed (subnormals to 0; NaN, ±inf and magnitudes over 2^15 refused, naming the file and the
/// sample), so what the resampler — a bounded linear filter — makes of them is finite too. What
/// `read` returns is therefore `FiniteSamples`, which the engine's consumers take without checking
/// again.
/// Not thread-safe.
public final class WaveformReader {
    public let path: String
    /// Output rate in Hz.
    public let sampleRate: Int
    private let audio: AudioStream
    private let resampler: Resampler
    /// Down-mixed input of the current chunk: [monoCapacity].
    private var mono: UnsafeMutablePointer<Float>
    private var monoCapacity = 0
    /// Resampled samples not yet read: ready[readyStart ..< readyEnd] of [readyCapacity].
    private var ready: UnsafeMutablePointer<Float>
    private var readyCapacity = 0
    private var readyStart = 0, readyEnd = 0
    private var finished = false
    /// Samples decoded so far (interleaved), for `SampleGuard`'s index.
    private var decoded = 0
    /// Samples handed out so far.
    public private(set) var samplesRead = 0

    /// Opens `path` (throws as `AudioStream.init` does) and plans the resampler from the file's
    /// rate to `sampleRate`.
    public init(path: String, sampleRate: Int, limits: AudioLimits = AudioLimits(),
                ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate(), verifyMD5: Bool = false) throws {
        self.path = path
        self.sampleRate = sampleRate
        audio = try AudioStream(path: path, limits: limits, ffmpeg: ffmpeg, verifyMD5: verifyMD5)
        resampler = try Resampler(inputRate: audio.sampleRate, outputRate: sampleRate)
        mono = .allocate(capacity: 0)
        ready = .allocate(capacity: 0)
    }

    deinit { mono.deallocate(); ready.deallocate() }

    /// The fraction of the file's frames decoded so far (0 while the length is unknown: formats
    /// decoded by ffmpeg).
    public var progress: Double {
        audio.expectedFrames > 0 ? min(1, Double(audio.framesRead) / Double(audio.expectedFrames)) : 0
    }

    /// Fills `out` with the next samples (mono, `sampleRate` Hz) and returns them as
    /// `FiniteSamples` over the start of `out`: all of `out` unless the file ends first, empty at
    /// the end. Throws `AudioStreamError` when decoding fails or passes a limit, or a sample is
    /// refused by `SampleGuard` (`.audio(.sampleOutOfRange)`).
    public func read(into out: UnsafeMutableBufferPointer<Float>) throws(AudioStreamError) -> FiniteSamples {
        var filled = 0
        while filled < out.count {
            if readyStart == readyEnd {
                guard try refill() else { break }
                continue
            }
            let n = min(out.count - filled, readyEnd - readyStart)
            (out.baseAddress! + filled).update(from: ready + readyStart, count: n)
            readyStart += n; filled += n
        }
        samplesRead += filled
        return FiniteSamples(checked: UnsafeBufferPointer(rebasing: out[..<filled]))
    }

    /// Decodes, guards, down-mixes and resamples the next chunk into `ready`; false at the end.
    private func refill() throws(AudioStreamError) -> Bool {
        guard !finished else { return false }
        readyStart = 0
        if var chunk = try audio.next() {
            let first = decoded
            decoded += chunk.samples.count
            try chunk.samples.withUnsafeMutableBufferPointer { (samples) throws(AudioStreamError) in
                do throws(AudioError) { try SampleGuard.apply(samples, first: first, path: path) } catch { throw .audio(error) }
                let input = downmix(UnsafeBufferPointer(samples), channels: chunk.channels)
                reserve(&ready, &readyCapacity, resampler.outputCount(afterTaking: input.count))
                readyEnd = resampler.process(input, into: ready)
            }
        } else {
            finished = true
            reserve(&ready, &readyCapacity, resampler.pendingCount)
            readyEnd = resampler.finish(into: ready)
        }
        return true
    }

    /// The channels' mean of each frame of `samples`, in `mono`; a mono chunk as it is.
    private func downmix(_ samples: UnsafeBufferPointer<Float>, channels: Int) -> UnsafeBufferPointer<Float> {
        guard channels > 1 else { return samples }
        let frames = samples.count / channels
        reserve(&mono, &monoCapacity, frames)
        DecodedAudio.downmix(samples, channels: channels, into: mono)
        return UnsafeBufferPointer(start: mono, count: frames)
    }
}

/// Grows `buffer` (contents dropped) to hold `count` values; a no-op once it is large enough.
private func reserve(_ buffer: inout UnsafeMutablePointer<Float>, _ capacity: inout Int, _ count: Int) {
    guard count > capacity else { return }
    buffer.deallocate()
    buffer = .allocate(capacity: count)
    capacity = count
}
