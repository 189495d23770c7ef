import DSP

/// Streams what the engine hears of an audio file: a `WaveformReader` read into one buffer of
/// `blockSamples` allocated here, `body` taking each block in order (the samples have passed
/// `SampleGuard` in the reader, and are valid only during the call); `progress` gets the fraction of the
/// file's frames decoded after each block (0 while the length is unknown: ffmpeg).
public func streamWaveform(_ path: String, sampleRate: Int, limits: AudioLimits = AudioLimits(),
                           ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate(), verifyMD5: Bool = false,
                           blockSamples: Int = 1 << 14, progress: (Double) -> Void = { _ in },
                           _ body: (FiniteSamples) throws -> Void) throws {
    let reader = try WaveformReader(path: path, sampleRate: sampleRate, limits: limits, ffmpeg: ffmpeg, verifyMD5: verifyMD5)
    let block = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, blockSamples))
    defer { block.deallocate() }
    while true {
        let samples = try reader.read(into: block)
        guard samples.count > 0 else { return }
        try body(samples)
        progress(reader.progress)
    }
}

/// The whole of what the engine hears of an audio file (`streamWaveform`'s blocks joined), for
/// the commands that need every sample at once.
public func readWaveform(_ path: String, sampleRate: Int,
                         limits: AudioLimits = AudioLimits()) throws -> [Float] {
    var waveform: [Float] = []
    try streamWaveform(path, sampleRate: sampleRate, limits: limits) { waveform += $0.buffer }
    return waveform
}
