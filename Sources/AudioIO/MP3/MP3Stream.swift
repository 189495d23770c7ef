/// An MP3 file decoded frame by frame through a `ByteWindow`, so that memory holds a few frames,
/// not the file: the decoding loop of `MP3Decoder` (see it for the sync rules, the reservoir and
/// gapless trimming). The first frame is found when the stream is opened; `next()` hands out the
/// samples in chunks of about `chunkFrames` frames. Not thread-safe.
final class MP3Stream {
    /// Sample frames per chunk handed out (fewer in the last).
    static let chunkFrames = 1 << 14
    /// Bytes looked at from a frame's start: the longest layer III frame (1441 bytes: 320 kbit/s
    /// at 32 kHz, padded) and the next frame's header fit.
    private static let lookahead = 4096

    private(set) var sampleRate = 0, channels = 0
    /// The sample frames the file holds, from the Xing/Info/VBRI count (when the file's size makes
    /// it plausible) or else the file's size at the first frame's bitrate: for progress, not a
    /// promise and not a limit.
    private(set) var expectedFrames = 0
    private(set) var report = MP3Decoder.Report()

    private let source: ByteWindow
    private var decoder: MP3FrameDecoder?
    private var key: UInt32?
    /// The first frame's length in bytes.
    private var firstLength = 0
    private var trim = MP3GaplessTrim(header: nil, frameLength: 0)
    private var output: [Float] = []
    private var packet = 0, position: Int
    private var inSync = false
    private let end: Int

    /// Skips the tags and finds the first frame (and the Xing/Info/VBRI header); throws if the
    /// file holds no layer III frame.
    init(_ source: ByteWindow) throws(AudioError) {
        self.source = source
        let range = try MP3Tags.audioRange(source)
        (position, end) = (range.lowerBound, range.upperBound)
        while decoder == nil, try advance() {}
        guard let decoder else { throw noFrames() }
        (sampleRate, channels) = (decoder.sampleRate, decoder.channels)
        // The Xing/VBRI count unless the file's size makes it implausible (a header may lie).
        let estimate = (end - range.lowerBound) / firstLength
        let frames = report.header?.frames.flatMap { $0 <= 4 * estimate + 1 ? $0 : nil } ?? estimate
        expectedFrames = frames * decoder.samplesPerFrame
    }

    /// The next chunk of samples (interleaved), or nil at the end; throws at the end if no frame
    /// could be decoded.
    func next() throws(AudioError) -> [Float]? {
        while output.count < Self.chunkFrames * channels, try advance() {}
        guard output.isEmpty else {
            defer { output.removeAll(keepingCapacity: true) }
            return output
        }
        guard report.framesDecoded > 0 else { throw noFrames() }
        return nil
    }

    /// One step through the stream: a frame decoded (its kept samples appended to `output`) or
    /// skipped, or one byte skipped. False at the end of the audio.
    private func advance() throws(AudioError) -> Bool {
        guard end - position >= 4 else {
            report.bytesSkipped += max(0, end - position)
            position = end
            return false
        }
        let window = try source.window(from: position, atLeast: min(Self.lookahead, end - position))
        let raw = UnsafeRawBufferPointer(rebasing: window[..<min(window.count, end - position)])
        guard let header = MP3FrameHeader(raw, at: 0), key == nil || header.streamKey == key,
              header.frameLength <= raw.count else {
            if raw[0] == 0xFF, raw[1] & 0xE6 == 0xE2, raw[2] >> 4 == 0 {
                report.freeFormatHeaders += 1                   // layer III, bitrate index 0
            }
            position += 1; report.bytesSkipped += 1; inSync = false
            return true
        }
        let length = header.frameLength
        if !inSync, length != raw.count {
            guard let following = MP3FrameHeader(raw, at: length), following.streamKey == header.streamKey else {
                position += 1; report.bytesSkipped += 1
                return true
            }
        }
        inSync = true
        defer { position += length }
        if decoder == nil {
            key = header.streamKey
            decoder = MP3FrameDecoder(header)
            firstLength = length
            let info = MP3Tags.vbrHeader(raw, frameAt: 0, header: header, streamBytes: source.count - position)
            trim = MP3GaplessTrim(header: info, frameLength: header.samplesPerFrame)
            if let info {                                       // a header frame, not audio
                report.header = info
                return true
            }
        }
        decode(header, frame: UnsafeRawBufferPointer(rebasing: raw[..<length]))
        return true
    }

    /// Decodes a frame and appends the samples gapless trimming keeps, or counts it as skipped.
    private func decode(_ header: MP3FrameHeader, frame: UnsafeRawBufferPointer) {
        let decoder = decoder!, start = output.count
        defer { packet += 1 }
        guard decoder.decode(frame, header: header, into: &output) else {
            report.framesSkipped += 1
            return
        }
        report.framesDecoded += 1
        if header.msStereo { report.msFrames += 1 }
        if header.intensityStereo { report.intensityFrames += 1 }
        for gr in 0..<header.granules {
            for ch in 0..<header.channels {
                let g = decoder.sideInfo.granule(gr, ch)
                report.blockTypes[g.isShort && g.mixedBlock ? 4 : g.blockType] += 1
            }
        }
        let kept = trim.keep(packet: packet), channels = decoder.channels
        output.removeSubrange((start + kept.upperBound * channels)...)
        output.removeSubrange(start..<(start + kept.lowerBound * channels))
    }

    private func noFrames() -> AudioError {
        let reason = report.framesSkipped > 0 ? "none of its \(report.framesSkipped) frames could be decoded"
            : report.freeFormatHeaders > 0 ? "free-format streams (bitrate index 0) are not supported"
            : "it holds no MPEG audio layer III frames"
        return .malformedMP3(path: source.path, reason: reason)
    }
}
