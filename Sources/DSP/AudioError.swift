/// Errors reading audio. Every case names the file it is about (`path`); messages are meant for
/// the person who supplied the file.
public enum AudioError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read (missing, a directory, permissions, empty).
    case unreadable(path: String, reason: String)
    /// The file is over the size limit the caller set.
    case tooLarge(path: String, limit: Int)
    /// The content is a format this build cannot decode (detected from its bytes, never its name).
    case unsupportedFormat(path: String, format: AudioFormat)
    /// `WAVDecoder` was given bytes without a RIFF/RF64/BW64 WAVE header.
    case notWAV(path: String)
    /// The WAV structure is broken or truncated; `reason` says where.
    case malformed(path: String, reason: String)
    /// A WAV sample encoding (format code and bits per sample) that is not decoded.
    case unsupportedEncoding(path: String, format: Int, bits: Int)
    /// A WAVE_FORMAT_EXTENSIBLE subformat GUID outside the standard KSDATAFORMAT family.
    case unsupportedSubformat(path: String, guid: String)
    /// More channels than `WAVDecoder.maxChannels`.
    case tooManyChannels(path: String, channels: Int, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read \(p): \(r)"
        case .tooLarge(let p, let limit): return "\(p) is too large: files over \(limit) bytes are refused"
        case .unsupportedFormat(_, let f):              // exact wording expected by callers
            return "unsupported format \(f.name): upload WAV, FLAC or MP3, or install ffmpeg"
        case .notWAV(let p): return "\(p) is not a WAV file (no RIFF, RF64 or BW64 header with WAVE)"
        case .malformed(let p, let r): return "\(p) is a malformed WAV file: \(r)"
        case .unsupportedEncoding(let p, let f, let b):
            let hex = String(f, radix: 16, uppercase: true), code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            return "\(p): WAV encoding 0x\(code) with \(b)-bit samples is not supported: "
                + "use PCM (8, 16, 24 or 32-bit), IEEE float (32 or 64-bit), A-law or µ-law"
        case .unsupportedSubformat(let p, let g):
            return "\(p): WAVE_FORMAT_EXTENSIBLE subformat \(g) is not supported: use PCM or IEEE float"
        case .tooManyChannels(let p, let n, let limit):
            return "\(p) has \(n) channels: at most \(limit) are supported"
        }
    }
}
