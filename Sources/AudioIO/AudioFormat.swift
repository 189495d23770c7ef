import Foundation

/// Container/codec families recognised from a file's first bytes (never its name).
public enum AudioFormat: Sendable, Equatable, CaseIterable {
    case wav, flac, mp3, ogg, mp4, webm, aiff, unknown

    /// The name used in messages.
    public var name: String {
        switch self {
        case .wav: "WAV"
        case .flac: "FLAC"
        case .mp3: "MP3"
        case .ogg: "Ogg"
        case .mp4: "MP4/M4A"
        case .webm: "WebM"
        case .aiff: "AIFF"
        case .unknown: "unknown"
        }
    }

    /// The format whose signature starts `bytes`:
    /// - WAV: "RIFF", "RF64" or "BW64", then "WAVE" at offset 8 (ref: Microsoft RIFF; EBU Tech 3306;
    ///   ITU-R BS.2088)
    /// - FLAC: "fLaC" (ref: RFC 9639), also after ID3v2 tags
    /// - MP3: an MPEG audio layer III frame header (ref: ISO/IEC 11172-3 §2.4.2.3, 13818-3), at
    ///   offset 0 or after ID3v2 tags (ref: ID3 tag version 2.4.0 – Main Structure §3.1)
    /// - Ogg: "OggS" (ref: RFC 3533); MP4/M4A: an "ftyp" box first (ref: ISO/IEC 14496-12);
    ///   WebM/Matroska: the EBML magic 1A 45 DF A3 (ref: RFC 8794); AIFF: "FORM" then "AIFF" or
    ///   "AIFC" at offset 8 (ref: Apple AIFF 1.3, AIFF-C)
    public static func detect(_ bytes: some ContiguousBytes) -> AudioFormat {
        bytes.withUnsafeBytes { raw in detect(raw) }
    }

    static func detect(_ b: UnsafeRawBufferPointer) -> AudioFormat {
        func has(_ tag: String, at offset: Int) -> Bool {
            let t = Array(tag.utf8)
            return offset >= 0 && b.count - offset >= t.count && b[offset..<(offset + t.count)].elementsEqual(t)
        }
        if (has("RIFF", at: 0) || has("RF64", at: 0) || has("BW64", at: 0)) && has("WAVE", at: 8) { return .wav }
        if has("FORM", at: 0) && (has("AIFF", at: 8) || has("AIFC", at: 8)) { return .aiff }
        if has("OggS", at: 0) { return .ogg }
        if has("ftyp", at: 4) { return .mp4 }
        if b.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .webm }
        var offset = 0
        while let length = id3v2Length(b, at: offset) { offset += length }
        if has("fLaC", at: offset) { return .flac }
        if isLayerIIIHeader(b, at: offset) { return .mp3 }
        return .unknown
    }

    /// The length of the ID3v2 tag at `offset` (header, syncsafe size, optional footer), or nil.
    /// ref: ID3 tag version 2.4.0 – Main Structure §3.1, §3.4
    static func id3v2Length(_ b: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard b.count - offset >= 10, b[offset] == 0x49, b[offset + 1] == 0x44, b[offset + 2] == 0x33,
              b[offset + 3] != 0xFF, b[offset + 4] != 0xFF,
              (offset + 6..<offset + 10).allSatisfy({ b[$0] < 0x80 }) else { return nil }
        let size = (offset + 6..<offset + 10).reduce(0) { $0 << 7 | Int(b[$1]) }
        let footer = b[offset + 5] & 0x10 != 0 ? 10 : 0
        return 10 + size + footer
    }

    /// Whether a valid MPEG-1/2/2.5 layer III frame header starts at `offset`: 11 sync bits, a
    /// defined version, layer bits 01, a bitrate index other than 1111, a defined sampling
    /// frequency and a defined emphasis. ref: ISO/IEC 11172-3 §2.4.2.3
    static func isLayerIIIHeader(_ b: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, b.count - offset >= 4 else { return false }
        let b1 = b[offset + 1], b2 = b[offset + 2], b3 = b[offset + 3]
        return b[offset] == 0xFF && b1 & 0xE0 == 0xE0
            && (b1 >> 3) & 3 != 0b01                // version: 01 is reserved
            && (b1 >> 1) & 3 == 0b01                // layer III
            && b2 >> 4 != 0b1111                    // bitrate index 1111 is forbidden
            && (b2 >> 2) & 3 != 0b11                // sampling frequency 11 is reserved
            && b3 & 3 != 0b10                       // emphasis 10 is reserved
    }
}
