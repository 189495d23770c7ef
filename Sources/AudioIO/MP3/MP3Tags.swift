/// Metadata around and inside MPEG audio streams.
///
/// - Tags skipped before decoding: ID3v2 at the start, repeated, with the optional footer
///   (ref: ID3 tag version 2.4.0 – Main Structure §3.1, §3.4); at the end, in any order: ID3v1
///   ("TAG", 128 bytes; ref: ID3v1 de-facto layout), APEv2 (32-byte footer "APETAGEX", size
///   without the optional 32-byte header; ref: APEv2 specification, hydrogenaudio wiki) and an
///   appended ID3v2 tag found by its footer "3DI".
/// - The header frame some encoders write first, which holds no audio: Xing/Info (at the start of
///   the main data: "Xing" or "Info", flags, frame count, byte count, TOC, quality), the LAME tag
///   that follows it (encoder version, then 12-bit encoder delay and padding 21 bytes later), and
///   Fraunhofer's VBRI (32 bytes after the header). ref: Xing/LAME "Mp3 Info Tag rev 1"
///   specification (gabriel.mp3-tech.org/mp3infotag.html); Fraunhofer VBRI header description.
///   These are read where FFmpeg reads them (offsets ignore a CRC word) so that trimming agrees.
public enum MP3Tags {
    /// The gapless-playback information of a header frame.
    public struct VBRHeader: Equatable, Sendable {
        /// Audio frames in the stream after the header frame (nil if not given, or when the byte
        /// count shows the file is a concatenation the count does not describe).
        public var frames: Int?
        /// Samples the encoder added before the audio (LAME tag).
        public var encoderDelay: Int?
        /// Samples the encoder added after the audio (LAME tag).
        public var encoderPadding: Int?
    }

    /// The bytes of the file between its leading and trailing tags.
    static func audioRange(_ r: some CheckedReader) throws(AudioError) -> Range<Int> {
        var start = 0
        while r.has(10, at: start), let length = AudioFormat.id3v2Length(try r.bytes(start, 10), at: 0),
              length <= r.count - start { start += length }
        var end = r.count
        func has(_ tag: String, at offset: Int) throws(AudioError) -> Bool {
            let t = Array(tag.utf8)
            guard offset >= start, end - offset >= t.count else { return false }
            return try r.bytes(offset, t.count).elementsEqual(t)
        }
        func le32(_ o: Int) throws(AudioError) -> Int {
            let b = try r.bytes(o, 4)
            return (0..<4).reduce(0) { $0 | Int(b[$1]) << (8 * $1) }
        }
        while true {
            if try has("TAG", at: end - 128) {
                end -= 128
            } else if try has("APETAGEX", at: end - 32) {
                let size = try le32(end - 20), flags = try le32(end - 12)
                let total = size + (flags & 0x8000_0000 != 0 ? 32 : 0)
                guard size >= 32, total <= end - start else { break }
                end -= total
            } else if try has("3DI", at: end - 10), try r.bytes(end - 4, 4).allSatisfy({ $0 < 0x80 }) {
                let size = try r.bytes(end - 4, 4).reduce(0) { $0 << 7 | Int($1) }
                guard 20 + size <= end - start else { break }
                end -= 20 + size
            } else {
                break
            }
        }
        return start..<end
    }

    /// The header frame's information if the frame at `offset` (with `header`) is a Xing, Info or
    /// VBRI header frame with a frame or byte count; nil if it is an audio frame.
    /// `streamBytes`: the bytes from the frame to the end of the file.
    static func vbrHeader(_ b: UnsafeRawBufferPointer, frameAt offset: Int, header: MP3FrameHeader,
                          streamBytes: Int) -> VBRHeader? {
        func be(_ o: Int, _ n: Int) -> Int? {
            guard o >= 0, b.count - o >= n else { return nil }
            return (0..<n).reduce(0) { $0 << 8 | Int(b[o + $1]) }
        }
        func has(_ tag: String, at o: Int) -> Bool {
            let t = Array(tag.utf8)
            return o >= 0 && b.count - o >= t.count && b[o..<(o + t.count)].elementsEqual(t)
        }
        var info = VBRHeader()
        var frames = 0, bytes = 0
        let xing = offset + 4 + header.sideInfoLength
        if has("Xing", at: xing) || has("Info", at: xing) {
            guard let flags = be(xing + 4, 4) else { return nil }
            var o = xing + 8
            if flags & 1 != 0 { frames = be(o, 4) ?? 0; o += 4 }
            if flags & 2 != 0 { bytes = be(o, 4) ?? 0; o += 4 }
            if flags & 4 != 0 { o += 100 }
            if flags & 8 != 0 { o += 4 }
            if ["LAME", "Lavf", "Lavc"].contains(where: { has($0, at: o) }), let v = be(o + 21, 3) {
                info.encoderDelay = v >> 12
                info.encoderPadding = v & 0xFFF
            }
            // A byte count well below the file's size means several streams were concatenated.
            let size = streamBytes - 4
            if bytes > 0, size > 0, size > bytes, size - bytes > bytes >> 4 { frames = 0 }
        } else if has("VBRI", at: offset + 36), be(offset + 40, 2) == 1 {
            bytes = be(offset + 46, 4) ?? 0
            frames = be(offset + 50, 4) ?? 0
        } else {
            return nil
        }
        guard frames > 0 || bytes > 0 else { return nil }
        info.frames = frames > 0 ? frames : nil
        return info
    }
}
