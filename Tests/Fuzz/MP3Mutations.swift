import TestSupport

/// MP3-aware edits: frame header fields (in one frame or in all), side information
/// (`main_data_begin`, granule fields), main data bits, Xing/Info and LAME fields (frame and byte
/// counts, encoder delay and padding; written into the first frame when it has none), ID3v2 tags
/// with syncsafe size lies, trailing ID3v1/APEv2/ID3v2-footer tags, and frames removed, copied or
/// swapped. ref: ISO/IEC 11172-3 §2.4.1–2.4.2, ISO/IEC 13818-3; ID3v2.4.0 §3.1; APEv2; LAME
/// "Mp3 Info Tag rev 1".
enum MP3Mutations {
    static let all = [header, sideInfo, mainData, xing, id3v2, trailingTag, frameEdit]

    /// A frame found by walking the stream: its bytes and the header fields that place its parts.
    struct Frame {
        let range: Range<Int>
        let lsf: Bool, mono: Bool, crc: Bool
        var sideInfo: Int { range.lowerBound + (crc ? 6 : 4) }
        var sideInfoLength: Int { lsf ? (mono ? 9 : 17) : (mono ? 17 : 32) }
        var mainData: Int { sideInfo + sideInfoLength }
    }

    /// The frame whose layer III header starts at `o`, if any (its range clamped to the file).
    static func frame(_ b: [UInt8], at o: Int) -> Frame? {
        guard let h = b.uint(at: o, 4, bigEndian: true), h >> 21 == 0x7FF else { return nil }
        let version = h >> 19 & 3, bitrateIndex = Int(h >> 12 & 15), rateIndex = Int(h >> 10 & 3)
        guard version != 1, h >> 17 & 3 == 1, (1...14).contains(bitrateIndex), rateIndex != 3 else { return nil }
        let lsf = version != 3
        let kbps = (lsf ? [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
                        : [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320])[bitrateIndex]
        let rate = [44100, 48000, 32000][rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2)
        let length = (lsf ? 72 : 144) * kbps * 1000 / rate + Int(h >> 9 & 1)
        return Frame(range: o..<min(b.count, o + length), lsf: lsf, mono: h >> 6 & 3 == 3, crc: h >> 16 & 1 == 0)
    }

    /// The length of the ID3v2 tag at `o` (header, syncsafe size, footer), if one starts there.
    static func id3v2Length(_ b: [UInt8], at o: Int) -> Int? {
        guard b.has("ID3", at: o), let size = b.uint(at: o + 6, 4, bigEndian: true), size & 0x8080_8080 == 0 else { return nil }
        return 10 + Int(size & 0x7F | size >> 1 & 0x3F80 | size >> 2 & 0x1F_C000 | size >> 3 & 0xFE0_0000)
            + (b[o + 5] & 0x10 != 0 ? 10 : 0)
    }

    /// The frames after any ID3v2 tags, bytes that start none skipped.
    static func frames(_ b: [UInt8]) -> [Frame] {
        var o = 0, found: [Frame] = []
        while let length = id3v2Length(b, at: o), length <= b.count - o { o += length }
        while b.count - o >= 4, found.count < 10_000 {
            if let f = frame(b, at: o) { found.append(f); o = f.range.upperBound } else { o += 1 }
        }
        return found
    }

    /// Header fields: name, lowest bit (of the 32-bit header), width, values.
    static let headerFields: [(String, Int, Int, [UInt64])] = [
        ("version", 19, 2, [0, 1, 2, 3]), ("layer", 17, 2, [0, 1, 2, 3]), ("protection", 16, 1, [0, 1]),
        ("bitrate index", 12, 4, Array(0...15)), ("sampling frequency", 10, 2, [0, 1, 2, 3]), ("padding", 9, 1, [0, 1]),
        ("mode", 6, 2, [0, 1, 2, 3]), ("mode extension", 4, 2, [0, 1, 2, 3]), ("emphasis", 0, 2, [0, 1, 2, 3]),
    ]

    /// One header field set in one frame, or in every frame (a whole stream turned mono, free
    /// format, MPEG-2.5, …).
    static let header = Mutation("mp3.header") { b, rng in
        let all = frames(b)
        guard let one = all.randomElement(using: &rng) else { return nil }
        let (name, low, width, values) = rng.pick(headerFields), value = rng.pick(values), everywhere = rng.chance(0.3)
        for f in everywhere ? all : [one] { b.setBits(value, at: f.range.lowerBound * 8 + 32 - low - width, width) }
        return "\(name) = \(value) " + (everywhere ? "in all \(all.count) frames" : "at \(one.range.lowerBound)")
    }

    /// `main_data_begin` (9 bits MPEG-1, 8 bits LSF) set, or bits of the granule fields flipped.
    static let sideInfo = Mutation("mp3.side-info") { b, rng in
        guard let f = frames(b).randomElement(using: &rng) else { return nil }
        if rng.chance(0.4) {
            let width = f.lsf ? 8 : 9, top: UInt64 = (1 << UInt64(width)) - 1
            let value = rng.pick([0, 1, top, rng.next() & top])
            return b.setBits(value, at: f.sideInfo * 8, width) ? "main_data_begin = \(value) at \(f.range.lowerBound)" : nil
        }
        let bits = (0..<rng.pick([1, 2, 4])).map { _ in f.sideInfo * 8 + rng.below(f.sideInfoLength * 8) }
        guard bits.allSatisfy({ $0 / 8 < b.count }) else { return nil }
        for bit in bits { b[bit / 8] ^= 0x80 >> (bit % 8) }
        return "side-info bits \(bits.map { $0 - f.sideInfo * 8 }) at \(f.range.lowerBound)"
    }

    static let mainData = Mutation("mp3.main-data") { b, rng in
        guard let f = frames(b).randomElement(using: &rng), f.range.upperBound > f.mainData else { return nil }
        let bits = (0..<rng.pick([1, 4, 16])).map { _ in f.mainData * 8 + rng.below((f.range.upperBound - f.mainData) * 8) }
        for bit in bits { b[bit / 8] ^= 0x80 >> (bit % 8) }
        return "\(bits.count) bits at \(f.range.lowerBound)"
    }

    /// A Xing/Info field changed: flags, frame and byte counts, the LAME tag's 12-bit encoder delay
    /// and padding. Without a Xing/Info frame, one is written over the first frame's data.
    static let xing = Mutation("mp3.xing") { b, rng in
        guard let first = frames(b).first else { return nil }
        let at = first.range.lowerBound + 4 + first.sideInfoLength            // where FFmpeg (and we) look
        guard b.has("Xing", at: at) || b.has("Info", at: at), let flags = b.uint(at: at + 4, 4, bigEndian: true) else {
            let frames = UInt64(rng.pick([0, 1, 10, 0xFFFF_FFFF])), delay = UInt64(rng.below(4096)), padding = UInt64(rng.below(4096))
            var fields = Array("Xing".utf8) + [0, 0, 0, 0x0F]
            for value in [frames, UInt64(b.count), 0] { fields += (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
            fields += [UInt8](repeating: 0, count: 96) + [0, 0, 0, 0] + Array("LAME3.100".utf8) + [UInt8](repeating: 0, count: 12)
            fields += [UInt8(delay >> 4), UInt8(delay & 15) << 4 | UInt8(padding >> 8), UInt8(padding & 0xFF)]
            guard b.count - at >= fields.count else { return nil }
            b.replaceSubrange(at..<(at + fields.count), with: fields)
            return "written: \(frames) frames, delay \(delay), padding \(padding)"
        }
        // Fields present by the flags, then the LAME tag's delay and padding (12 bits each) 21 bytes on.
        var o = at + 8, fields: [(String, Int, Int)] = [("flags", at + 4, 32)]
        if flags & 1 != 0 { fields.append(("frames", o, 32)); o += 4 }
        if flags & 2 != 0 { fields.append(("bytes", o, 32)); o += 4 }
        if flags & 4 != 0 { o += 100 }
        if flags & 8 != 0 { o += 4 }
        fields += [("encoder delay", o + 21, 12), ("encoder padding", o + 21, 12)]
        let (name, offset, width) = rng.pick(fields)
        let value = width == 12 ? UInt64(rng.pick([0, 1, 576, 1105, 1152, 0xFFF]))
            : rng.pick([0, 1, 2, 576, 0x7FFF_FFFF, 0xFFFF_FFFF, UInt64(b.count)])
        return b.setBits(value, at: offset * 8 + (name == "encoder padding" ? 12 : 0), width) ? "\(name) = \(value)" : nil
    }

    /// An ID3v2 tag put first, or the size of the one there changed: its syncsafe size lies (too
    /// large, too small, an invalid byte), a footer flag, an unknown version.
    static let id3v2 = Mutation("mp3.id3v2") { b, rng in
        if id3v2Length(b, at: 0) != nil, rng.chance(0.6) {
            let (name, offset, value) = rng.pick([("size byte", 6 + rng.below(4), rng.pick([0, 0x7F, 0x80, 0xFF] as [UInt8])),
                                                  ("flags", 5, rng.pick([0x10, 0x40, 0x80, 0xFF] as [UInt8])),
                                                  ("version", 3, rng.pick([2, 3, 4, 0xFF] as [UInt8]))])
            b[offset] = value
            return "\(name) = \(hex(UInt64(value)))"
        }
        let body = rng.bytes(rng.pick([0, 10, 300])), footer = rng.chance(0.2)
        let size = rng.pick([body.count, body.count, 0, body.count + 1, max(0, body.count - 1), b.count + body.count, 0x0FFF_FFFF])
        let syncsafe = (0..<4).map { UInt8(truncatingIfNeeded: size >> (21 - 7 * $0)) & 0x7F }
        let tag = Array("ID3".utf8) + [4, 0, footer ? 0x10 : 0] + syncsafe + body
            + (footer ? Array("3DI".utf8) + [4, 0, 0x10] + syncsafe : [])
        b.insert(contentsOf: tag, at: 0)
        return "\(body.count)-byte tag declaring \(size) put first" + (footer ? " with a footer" : "")
    }

    /// A tag appended: ID3v1, an APEv2 footer (size and header flag lies) or an ID3v2 footer.
    static let trailingTag = Mutation("mp3.trailing-tag") { b, rng in
        switch rng.below(3) {
        case 0:
            b += Array("TAG".utf8) + rng.bytes(125)
            return "ID3v1"
        case 1:
            let size = rng.pick([0, 31, 32, 64, b.count, b.count + 32, 0x7FFF_FFFF, 0xFFFF_FFFF])
            let flags: UInt32 = rng.chance(0.5) ? 0x8000_0000 : 0                  // bit 31: a header too
            b += [UInt8](repeating: 0x41, count: rng.pick([0, 32])) + Array("APETAGEX".utf8) + WAVFile.le(UInt32(2000))
                + WAVFile.le(UInt32(truncatingIfNeeded: size)) + WAVFile.le(UInt32(1)) + WAVFile.le(flags)
                + [UInt8](repeating: 0, count: 8)
            return "APEv2 footer declaring \(size) bytes, flags \(hex(UInt64(flags)))"
        default:
            let size = rng.pick([0, 10, b.count, 0x0FFF_FFFF])
            b += Array("3DI".utf8) + [4, 0, 0] + (0..<4).map { UInt8(truncatingIfNeeded: size >> (21 - 7 * $0)) & 0x7F }
            return "ID3v2 footer declaring \(size) bytes"
        }
    }

    /// A frame removed or copied elsewhere, or two frames swapped.
    static let frameEdit = Mutation("mp3.frame-edit") { b, rng in
        let all = frames(b)
        guard let f = all.randomElement(using: &rng), let g = all.randomElement(using: &rng) else { return nil }
        switch rng.below(3) {
        case 0:
            b.removeSubrange(f.range)
            return "removed \(f.range)"
        case 1:
            b.insert(contentsOf: b[f.range], at: g.range.lowerBound)
            return "\(f.range) copied to \(g.range.lowerBound)"
        default:
            guard f.range.upperBound <= g.range.lowerBound else { return nil }
            let second = Array(b[g.range])
            b.replaceSubrange(g.range, with: b[f.range])
            b.replaceSubrange(f.range, with: second)
            return "\(f.range) swapped with \(g.range)"
        }
    }
}
