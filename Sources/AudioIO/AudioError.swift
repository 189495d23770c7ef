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
    /// `FLACDecoder` was given bytes without the "fLaC" marker (after any ID3v2 tags).
    case notFLAC(path: String)
    /// The FLAC structure is broken, truncated or uses reserved codes; `reason` says where.
    case malformedFLAC(path: String, reason: String)
    /// A FLAC frame's header CRC-8 or frame CRC-16 (`checksum`) does not match: the file is
    /// damaged in frame `frame` (counted from 0), which starts at byte `offset`.
    case checksumMismatch(path: String, frame: Int, offset: Int, checksum: String)
    /// The MD5 of the decoded audio (hex) differs from the one FLAC's STREAMINFO records.
    case md5Mismatch(path: String, expected: String, actual: String)
    /// The audio decodes to more than `limit` samples (all channels together).
    case decodedTooLarge(path: String, limit: Int)
    /// The ffmpeg fallback could not decode the file; `reason` is ffmpeg's message or exit status.
    case ffmpegFailed(path: String, reason: String)
    /// The ffmpeg fallback ran longer than `seconds` and was killed.
    case ffmpegTimedOut(path: String, seconds: Double)
    /// An MP3 file in which no frame could be decoded; `reason` says why.
    case malformedMP3(path: String, reason: String)
    /// The header declares a sample rate outside `range` (`SampleGuard.sampleRates`).
    case unsupportedSampleRate(path: String, rate: Int, range: ClosedRange<Int>)
    /// Decoded sample `index` (interleaved, from 0) is NaN, ±inf or over `limit` in magnitude
    /// (`SampleGuard.maxMagnitude`); `value` as Swift prints it.
    case sampleOutOfRange(path: String, index: Int, value: String, limit: Int)

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
        case .notFLAC(let p): return "\(p) is not a FLAC file (no fLaC marker)"
        case .malformedFLAC(let p, let r): return "\(p) is a malformed FLAC file: \(r)"
        case .checksumMismatch(let p, let frame, let offset, let checksum):
            return "\(p) is damaged: the \(checksum) of FLAC frame \(frame) (at byte \(offset)) does not match"
        case .md5Mismatch(let p, let expected, let actual):
            return "\(p) is damaged: the decoded audio has MD5 \(actual) but the file records \(expected)"
        case .decodedTooLarge(let p, let limit):
            return "\(p) is too long: it decodes to more than \(limit) samples"
        case .ffmpegFailed(let p, let r): return "ffmpeg could not decode \(p): \(r)"
        case .ffmpegTimedOut(let p, let s):
            return "ffmpeg took longer than \(s == s.rounded() && abs(s) < 1e15 ? String(Int(s)) : String(s)) s to decode \(p) and was stopped"
        case .malformedMP3(let p, let r): return "\(p) is not a decodable MP3 file: \(r)"
        case .unsupportedSampleRate(let p, let rate, let range):
            return "\(p) declares a sample rate of \(rate) Hz: rates from \(range.lowerBound) to \(range.upperBound) Hz are supported"
        case .sampleOutOfRange(let p, let index, let value, let limit):
            return "\(p): sample \(index) is \(value): samples must be finite and within ±\(limit) "
                + "(float audio is nominally ±1)"
        }
    }
}
