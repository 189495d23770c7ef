import Foundation

/// Limits on the input an `AudioStream` accepts.
public struct AudioLimits: Sendable, Equatable {
    /// The largest file, in bytes (default 2 GiB).
    public var maxBytes: Int
    /// The longest audio, in seconds (default 4 hours).
    public var maxSeconds: Double

    public init(maxBytes: Int = 2 << 30, maxSeconds: Double = 4 * 3600) {
        self.maxBytes = maxBytes
        self.maxSeconds = maxSeconds
    }
}

/// Why an `AudioStream` could not open or go on.
public enum AudioStreamError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be read or decoded, or it is over `AudioLimits.maxBytes` (`.tooLarge`).
    case audio(AudioError)
    /// The audio is over `AudioLimits.maxSeconds` (`limit`): it lasts `seconds`, as its header
    /// declares, or at least `seconds` when that is found while reading.
    case tooLong(path: String, seconds: Double, limit: Double)

    public var description: String {
        switch self {
        case .audio(let error): return error.description
        case .tooLong(let path, let seconds, let limit):
            return "\(path) lasts \(Self.duration(seconds)), over the duration limit of \(Self.duration(limit))"
        }
    }

    /// "3.3 s", "5400 s (1:30:00)".
    private static func duration(_ seconds: Double) -> String {
        let text = String(format: "%.2f", seconds).replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression) + " s"
        guard seconds >= 60, seconds < 1e9 else { return text }
        let whole = Int(seconds)
        return text + String(format: " (%d:%02d:%02d)", whole / 3600, whole / 60 % 60, whole % 60)
    }
}

/// An audio file's decoded samples, pulled in chunks (`next()`), in memory bounded whatever the
/// file's length, within `AudioLimits` checked as soon as the header tells and again as chunks come.
///
/// WAV (RIFF, RF64, BW64: every file `WAVDecoder` reads) is read from disk in blocks of 64 KiB, a
/// whole number of frames each, decoded as `WAVDecoder` decodes: the concatenated chunks equal its
/// samples. A `data` chunk that runs to the end of the file is read to the end of the file as it is
/// then (a recording still being written), the limits applying to what is read. FLAC and MP3 are
/// decoded frame by frame from a sliding window of the file (`FLACStream`, `MP3Stream`): chunks of
/// one FLAC frame or about 16384 MP3 sample frames, whose concatenation equals `FLACDecoder` and
/// `MP3Decoder`'s output. Other formats are decoded by ffmpeg (`FFmpegStream`), read in chunks as
/// it writes them.
/// Not thread-safe.
public final class AudioStream {
    public let path: String
    public let sampleRate: Int
    public let channels: Int
    public let limits: AudioLimits
    /// The frames the header declares, or an estimate from the file's size (MP3), or 0 when
    /// unknown (ffmpeg): for progress. A truncated or a growing file gives fewer or more.
    public let expectedFrames: Int
    /// Frames delivered so far.
    public private(set) var framesRead = 0

    private enum Source {
        /// WAV read in blocks from `position` (a byte offset) to `end`, or to the end of the file.
        case wav(ByteWindow, WAVEncoding, end: Int?)
        case flac(FLACStream<Float>)
        case mp3(MP3Stream)
        case ffmpeg(FFmpegStream)
    }
    private let source: Source
    private var position = 0
    private static let wavBlockBytes = 1 << 16

    /// Opens `path`, reads its header and checks the limits. Throws `.audio(.tooLarge)` for a file
    /// over `limits.maxBytes`, `.tooLong` when the header declares more than `limits.maxSeconds`
    /// (WAV's data size, FLAC's STREAMINFO; an MP3's Xing count is only advisory and not used).
    /// `verifyMD5`: check a FLAC file's MD5 at its end (`FLACDecoder`; off by default, as in libFLAC).
    public init(path: String, limits: AudioLimits = AudioLimits(),
                ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate(), verifyMD5: Bool = false) throws(AudioStreamError) {
        self.path = path
        self.limits = limits
        var declared: Int?
        do throws(AudioError) {
            let file = try ByteWindow(path: path)
            guard file.count <= limits.maxBytes else { throw .tooLarge(path: path, limit: limits.maxBytes) }
            guard file.count > 0 else { throw .unreadable(path: path, reason: "the file is empty") }
            switch try AudioFormat.detect(path: path) {
            case .wav:
                let layout = try WAVLayout(file)
                let format = layout.format
                (sampleRate, channels) = (format.sampleRate, format.channels)
                expectedFrames = layout.data.count / (format.encoding.width * format.channels)
                declared = expectedFrames
                file.follows = layout.runsToEnd
                source = .wav(file, format.encoding, end: layout.runsToEnd ? nil : layout.data.upperBound)
                position = layout.data.lowerBound
            case .flac:
                let flac = try FLACStream<Float>(file, maxSamples: .max, verifyMD5: verifyMD5)   // the duration limit bounds it
                (sampleRate, channels) = (flac.info.sampleRate, flac.info.channels)
                expectedFrames = Int(flac.info.totalSamples)
                declared = expectedFrames
                source = .flac(flac)
            case .mp3:
                let mp3 = try MP3Stream(file)
                (sampleRate, channels, expectedFrames) = (mp3.sampleRate, mp3.channels, mp3.expectedFrames)
                source = .mp3(mp3)
            case let format:
                guard let ffmpeg, FFmpegDecoder.handles(format) else { throw .unsupportedFormat(path: path, format: format) }
                let stream = try FFmpegStream(ffmpeg, path: path, format: format)
                (sampleRate, channels, expectedFrames) = (stream.sampleRate, stream.channels, 0)
                source = .ffmpeg(stream)
            }
        } catch {
            throw .audio(error)
        }
        if let declared { try checkDuration(declared) }
    }

    /// The next chunk of whole frames (interleaved, at the file's rate and channel count), or nil
    /// at the end. Throws when the data read passes a limit, or when the file cannot be read.
    public func next() throws(AudioStreamError) -> DecodedAudio? {
        let samples: [Float]
        do throws(AudioError) {
            switch source {
            case .wav(let file, let encoding, let end):
                let frameBytes = encoding.width * channels
                let block = min(Self.wavBlockBytes / frameBytes * frameBytes, end.map { $0 - position } ?? .max)
                guard block > 0 else { return nil }
                let window = try file.window(from: position, atLeast: block)
                let whole = min(window.count, block) / frameBytes * frameBytes
                guard whole > 0 else { return nil }
                position += whole
                guard position <= limits.maxBytes else { throw .tooLarge(path: path, limit: limits.maxBytes) }
                samples = encoding.decode(UnsafeRawBufferPointer(rebasing: window[..<whole]), channels: channels)
            case .flac(let flac):
                guard let block = try flac.next() else { return nil }
                samples = block
            case .mp3(let mp3):
                guard let chunk = try mp3.next() else { return nil }
                samples = chunk
            case .ffmpeg(let stream):
                guard let chunk = try stream.next() else { return nil }
                samples = chunk
            }
        } catch {
            throw .audio(error)
        }
        framesRead += samples.count / channels
        try checkDuration(framesRead)
        return DecodedAudio(samples: samples, sampleRate: sampleRate, channels: channels)
    }

    private func checkDuration(_ frames: Int) throws(AudioStreamError) {
        let seconds = Double(frames) / Double(sampleRate)
        guard seconds <= limits.maxSeconds else { throw .tooLong(path: path, seconds: seconds, limit: limits.maxSeconds) }
    }
}

extension AudioFormat {
    /// The format of the file at `path`, from its first bytes as `detect` finds it, ID3v2 tags
    /// skipped on disk (so that a tag of any size, cover art included, costs one read per tag).
    /// Empty files are `.unknown`; throws `.unreadable` for a file that cannot be read.
    public static func detect(path: String) throws(AudioError) -> AudioFormat {
        let file = try ByteWindow(path: path), probe = 64
        var offset = 0, head = try file.window(from: 0, atLeast: probe)
        while let length = id3v2Length(head, at: 0) {
            offset += length
            head = try file.window(from: offset, atLeast: probe)
        }
        let format = detect(head)
        // After ID3v2 tags `detect` looks for FLAC and MP3 only.
        return offset == 0 || format == .flac || format == .mp3 ? format : .unknown
    }
}
