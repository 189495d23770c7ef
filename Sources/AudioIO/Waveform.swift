import DSP

/// Streams what the engine hears of an audio file (format detected from its content), in memory
/// bounded whatever its length: decoded in chunks (`AudioStream`), each down-mixed to mono (the mean
/// of the channels, as YAMNet's reference does) and resampled to `sampleRate` by one polyphase Kaiser
/// `Resampler` (the pieces concatenated are bit-identical to resampling the whole), after
/// `SampleGuard.apply` (subnormals to 0; NaN, ±inf and magnitudes over 2^15 refused). `body` takes the
/// pieces in order; `progress` gets the fraction of the file's frames decoded after each chunk (0
/// while the length is unknown: formats decoded by ffmpeg).
public func streamWaveform(_ path: String, sampleRate: Int, limits: AudioLimits = AudioLimits(),
                           ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate(),
                           progress: (Double) -> Void = { _ in }, _ body: ([Float]) throws -> Void) throws {
    let audio = try AudioStream(path: path, limits: limits, ffmpeg: ffmpeg)
    let resampler = try Resampler(inputRate: audio.sampleRate, outputRate: sampleRate)
    var decoded = 0
    while var chunk = try audio.next() {
        try chunk.samples.withUnsafeMutableBufferPointer { s throws(AudioError) in try SampleGuard.apply(s, first: decoded, path: path) }
        decoded += chunk.samples.count
        try body(resampler.process(chunk.mono()))
        progress(audio.expectedFrames > 0 ? min(1, Double(audio.framesRead) / Double(audio.expectedFrames)) : 0)
    }
    try body(resampler.finish())
}

/// The whole of what the engine hears of an audio file (`streamWaveform`'s pieces joined), for
/// the commands that need every sample at once.
public func readWaveform(_ path: String, sampleRate: Int,
                         limits: AudioLimits = AudioLimits()) throws -> [Float] {
    var waveform: [Float] = []
    try streamWaveform(path, sampleRate: sampleRate, limits: limits) { waveform += $0 }
    return waveform
}
