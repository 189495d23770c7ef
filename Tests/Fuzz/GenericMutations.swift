import TestSupport

/// Format-blind edits: bit flips, byte and word overwrites, truncation, removed, duplicated and
/// inserted runs; and other containers' signatures, which must give `unsupportedFormat` when
/// ffmpeg is not used.
enum GenericMutations {
    static let all = [flips, bytes, word, truncate, remove, duplicate, insert]

    /// An offset in a file of `count` bytes, half the time among the first 64, where headers are.
    static func offset(_ count: Int, _ rng: inout SplitMix64) -> Int {
        rng.below(rng.chance(0.5) ? min(64, count) : count)
    }

    /// Values that break size and count arithmetic, for a field of `width` bytes.
    static func interesting(_ width: Int, near value: Int, _ rng: inout SplitMix64) -> UInt64 {
        let value = max(0, value), top = width >= 8 ? UInt64.max : (1 << (8 * UInt64(width))) - 1
        return rng.pick([0, 1, 2, top, top >> 1, top >> 1 + 1, top - 1, UInt64(max(0, value - 1)), UInt64(value),
                         UInt64(value + 1), UInt64(value) * 2, rng.next()]) & top
    }

    static let flips = Mutation("flip") { b, rng in
        guard !b.isEmpty else { return nil }
        let bits = (0..<rng.pick([1, 1, 2, 4, 8])).map { _ in offset(b.count, &rng) * 8 + rng.below(8) }
        for bit in bits { b[bit / 8] ^= 1 << (bit % 8) }
        return "bits \(bits)"
    }

    static let bytes = Mutation("set") { b, rng in
        guard !b.isEmpty else { return nil }
        let edits = (0..<rng.pick([1, 1, 2, 4])).map { _ in (offset(b.count, &rng), rng.pick([0, 0xFF, 0x7F, 0x80, rng.byte()])) }
        for (at, value) in edits { b[at] = value }
        return "bytes " + edits.map { "\($0.0)=\(hex(UInt64($0.1)))" }.joined(separator: ",")
    }

    static let word = Mutation("word") { b, rng in
        let width = rng.pick([2, 4, 8]), bigEndian = rng.chance(0.3)
        guard b.count >= width else { return nil }
        let at = min(offset(b.count, &rng), b.count - width), value = interesting(width, near: b.count, &rng)
        b.set(value, at: at, width, bigEndian: bigEndian)
        return "\(width * 8)-bit \(bigEndian ? "BE" : "LE") \(hex(value)) at \(at)"
    }

    static let truncate = Mutation("truncate") { b, rng in
        guard !b.isEmpty else { return nil }
        let length = rng.chance(0.5) ? rng.below(min(b.count, 256)) : rng.below(b.count)
        b.removeSubrange(length...)
        return "to \(length) bytes"
    }

    static let remove = Mutation("remove") { b, rng in
        guard b.count > 1 else { return nil }
        let at = offset(b.count, &rng), length = 1 + rng.below(min(b.count - at, rng.pick([4, 64, 4096])))
        b.removeSubrange(at..<(at + length))
        return "\(length) bytes at \(at)"
    }

    static let duplicate = Mutation("duplicate") { b, rng in
        guard !b.isEmpty else { return nil }
        let from = rng.below(b.count), length = 1 + rng.below(min(b.count - from, 4096)), to = rng.below(b.count + 1)
        b.insert(contentsOf: b[from..<(from + length)], at: to)
        return "\(length) bytes from \(from) at \(to)"
    }

    static let insert = Mutation("insert") { b, rng in
        let at = rng.below(b.count + 1), length = 1 + rng.below(rng.pick([4, 64, 4096]))
        let fill = rng.pick([UInt8(0), 0xFF, nil])
        b.insert(contentsOf: fill.map { [UInt8](repeating: $0, count: length) } ?? rng.bytes(length), at: at)
        return "\(length) \(fill.map { hex(UInt64($0)) } ?? "random") bytes at \(at)"
    }

    /// The start of the file replaced by another container's signature (ref: `AudioFormat.detect`):
    /// Ogg, MP4 `ftyp`, EBML (WebM), AIFF and AIFF-C, an ID3v2 tag before junk, or junk.
    static let otherFormats = [Mutation("other-format") { b, rng in
        let signatures: [(String, [UInt8])] = [
            ("Ogg", Array("OggS".utf8) + [0, 2]),
            ("MP4", [0, 0, 0, 0x18] + Array("ftypM4A ".utf8)),
            ("WebM", [0x1A, 0x45, 0xDF, 0xA3]),
            ("AIFF", Array("FORM".utf8) + [0, 0, 0x10, 0] + Array("AIFF".utf8)),
            ("AIFF-C", Array("FORM".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("AIFC".utf8)),
            ("ID3v2 then junk", Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4, 0x4A, 0x55, 0x4E, 0x4B]),
            ("junk", [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]),
        ]
        let (name, signature) = rng.pick(signatures)
        b.replaceSubrange(0..<min(b.count, signature.count), with: signature)
        return name
    }]
}
