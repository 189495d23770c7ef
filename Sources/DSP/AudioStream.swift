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
/// then (a recording still being written), the limits applying to what is read. Every other format
/// falls back to the whole-file `AudioDecoder.decode` (the file and its samples in memory at once,
/// within `maxBytes`) and is handed out in chunks of 16384 frames.
/// Not thread-safe.
public final class AudioStream {
    public let path: String
    public let sampleRate: Int
    public let channels: Int
    public let limits: AudioLimits
    /// The frames the header declares (or the fallback decoded): for progress. A truncated or a
    /// growing file gives fewer or more.
    public let expectedFrames: Int
    /// Frames delivered so far.
    public private(set) var framesRead = 0

    private enum Source {
        /// WAV read in blocks from `position` (a byte offset) to `end`, or to the end of the file.
        case wav(FileBytes, WAVEncoding, end: Int?)
        /// Samples decoded whole, handed out from `position` (a sample index).
        case decoded([Float])
    }
    private let source: Source
    private var position: Int
    private static let decodedChunkFrames = 1 << 14

    /// Opens `path`, reads its header and checks the limits. Throws `.audio(.tooLarge)` for a file
    /// over `limits.maxBytes`, `.tooLong` when the header declares more than `limits.maxSeconds`.
    public init(path: String, limits: AudioLimits = AudioLimits(),
                ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate()) throws(AudioStreamError) {
        self.path = path
        self.limits = limits
        do throws(AudioError) {
            let file = try FileBytes(path: path)
            guard file.count <= limits.maxBytes else { throw .tooLarge(path: path, limit: limits.maxBytes) }
            guard file.count > 0 else { throw .unreadable(path: path, reason: "the file is empty") }
            if AudioFormat.detect(try file.read(0, upTo: 12)) == .wav {
                let layout = try WAVLayout(file)
                let format = layout.format
                (sampleRate, channels) = (format.sampleRate, format.channels)
                expectedFrames = layout.data.count / (format.encoding.width * format.channels)
                source = .wav(file, format.encoding, end: layout.runsToEnd ? nil : layout.data.upperBound)
                position = layout.data.lowerBound
            } else {
                let audio = try AudioDecoder.decode(path: path, maxBytes: limits.maxBytes, ffmpeg: ffmpeg)
                (sampleRate, channels, expectedFrames) = (audio.sampleRate, audio.channels, audio.frames)
                source = .decoded(audio.samples)
                position = 0
            }
        } catch {
            throw .audio(error)
        }
        try checkDuration(expectedFrames)
    }

    /// The next chunk of whole frames (interleaved, at the file's rate and channel count), or nil
    /// at the end. Throws when the data read passes a limit, or when the file cannot be read.
    public func next() throws(AudioStreamError) -> DecodedAudio? {
        let samples: [Float]
        switch source {
        case .wav(let file, let encoding, let end):
            let frameBytes = encoding.width * channels
            let block = min(FileBytes.windowSize / frameBytes * frameBytes, end.map { $0 - position } ?? .max)
            guard block > 0 else { return nil }
            let bytes: UnsafeRawBufferPointer
            do { bytes = try file.read(position, upTo: block) } catch { throw .audio(error) }
            let whole = bytes.count / frameBytes * frameBytes
            guard whole > 0 else { return nil }
            position += whole
            guard position <= limits.maxBytes else { throw .audio(.tooLarge(path: path, limit: limits.maxBytes)) }
            samples = encoding.decode(bytes, channels: channels)
        case .decoded(let all):
            guard position < all.count else { return nil }
            let count = min(all.count - position, Self.decodedChunkFrames * channels)
            samples = Array(all[position..<(position + count)])
            position += count
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
        let file = try FileBytes(path: path), probe = 64
        var offset = 0, head = try file.read(0, upTo: probe)
        while let length = id3v2Length(head, at: 0) {
            offset += length
            head = try file.read(offset, upTo: probe)
        }
        let format = detect(head)
        // After ID3v2 tags `detect` looks for FLAC and MP3 only.
        return offset == 0 || format == .flac || format == .mp3 ? format : .unknown
    }
}

/// A file read on demand through one 64 KiB window (`pread` on the descriptor a `FileHandle`
/// owns): the `CheckedReader` of `WAVLayout` for `AudioStream`, and its block reader.
final class FileBytes: CheckedReader {
    static let windowSize = 1 << 16
    let path: String
    /// The file's size when it was opened.
    let count: Int
    private let handle: FileHandle
    private let window: UnsafeMutableRawPointer
    private var windowStart = 0, windowCount = 0

    init(path: String) throws(AudioError) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Self.failure(path) }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.failure(path) }
        count = Int(info.st_size)
        window = .allocate(byteCount: Self.windowSize, alignment: 16)
    }

    deinit { window.deallocate() }

    /// Up to `count` (≤ 64 KiB) bytes from `offset`: fewer at the end of the file, none past it.
    /// Valid until the next read.
    func read(_ offset: Int, upTo count: Int) throws(AudioError) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && (0...Self.windowSize).contains(count))
        if offset < windowStart || offset + count > windowStart + windowCount {
            windowStart = offset
            windowCount = 0
            while windowCount < Self.windowSize {
                let n = pread(handle.fileDescriptor, window + windowCount, Self.windowSize - windowCount,
                              off_t(offset + windowCount))
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw Self.failure(path) }
                if n == 0 { break }
                windowCount += n
            }
        }
        let start = offset - windowStart
        return UnsafeRawBufferPointer(start: window + start, count: max(0, min(count, windowCount - start)))
    }

    func bytes(_ offset: Int, _ count: Int) throws(AudioError) -> UnsafeRawBufferPointer {
        let bytes = try read(offset, upTo: count)
        guard bytes.count == count else { throw .unreadable(path: path, reason: "the file shrank while it was read") }
        return bytes
    }

    /// `.unreadable` with the reason `errno` gives.
    private static func failure(_ path: String) -> AudioError {
        .unreadable(path: path, reason: String(cString: strerror(errno)).lowercased())
    }
}
