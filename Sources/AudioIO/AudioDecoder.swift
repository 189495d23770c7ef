import Foundation

/// The entry point for audio files: reads the file, detects its format from the content and
/// decodes it: WAV, FLAC and MP3 natively, Ogg, MP4/M4A, WebM, AIFF and unknown content with
/// ffmpeg when it is installed; anything else is a typed `unsupportedFormat`.
public enum AudioDecoder {
    /// The size limit `decode(path:)` uses unless told otherwise: 1 GiB.
    public static let defaultMaxBytes = 1 << 30

    /// Decodes the file at `path`, refusing files over `maxBytes` bytes and audio over
    /// `maxSamples` samples. Formats without a native decoder go to `ffmpeg` (by default the one
    /// on PATH, if any).
    public static func decode(path: String, maxBytes: Int = defaultMaxBytes,
                              maxSamples: Int = FLACDecoder.defaultMaxSamples,
                              ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate()) throws(AudioError) -> DecodedAudio {
        try decode(read(path: path, maxBytes: maxBytes), path: path, maxSamples: maxSamples, ffmpeg: ffmpeg)
    }

    /// Decodes a file's bytes; `path` is only used in messages. Audio of more than `maxSamples`
    /// samples (all channels together) is refused with `decodedTooLarge`: FLAC and ffmpeg stop
    /// there (a FLAC file can hold some 20 000 samples a byte); WAV (at most one sample a byte) and
    /// MP3 (at most 48) are checked once decoded.
    public static func decode(_ bytes: some ContiguousBytes, path: String, maxSamples: Int = FLACDecoder.defaultMaxSamples,
                              ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate()) throws(AudioError) -> DecodedAudio {
        let format = AudioFormat.detect(bytes)
        let audio: DecodedAudio
        switch format {
        case .flac: return try FLACDecoder.decode(bytes, path: path, maxSamples: maxSamples)
        case .mp3: audio = try MP3Decoder.decode(bytes, path: path)
        case .wav: audio = try WAVDecoder.decode(bytes, path: path)
        default:
            if bytes.withUnsafeBytes({ $0.isEmpty }) { throw .unreadable(path: path, reason: "the file is empty") }
            guard var ffmpeg, FFmpegDecoder.handles(format) else { throw .unsupportedFormat(path: path, format: format) }
            ffmpeg.maxSamples = min(ffmpeg.maxSamples, maxSamples)
            return try ffmpeg.decode(bytes, path: path, format: format)
        }
        guard audio.samples.count <= maxSamples else { throw .decodedTooLarge(path: path, limit: maxSamples) }
        return audio
    }

    /// The file's bytes, read in 1 MiB pieces so that a file over the limit (or one that grows, or
    /// a device with no size) is refused after reading at most `maxBytes + 1` bytes.
    static func read(path: String, maxBytes: Int) throws(AudioError) -> Data {
        let url = URL(fileURLWithPath: path), maxBytes = max(0, maxBytes)
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        guard size <= maxBytes else { throw .tooLarge(path: path, limit: maxBytes) }
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var data = Data(capacity: size)
            while true {
                let room = maxBytes - data.count
                guard let piece = try handle.read(upToCount: room >= 1 << 20 ? 1 << 20 : room + 1),
                      !piece.isEmpty else { return data }
                data.append(piece)
                if data.count > maxBytes { throw AudioError.tooLarge(path: path, limit: maxBytes) }
            }
        } catch let error as AudioError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(posix.code)) {
            return String(cString: message).lowercased()
        }
        return ns.localizedDescription
    }
}
