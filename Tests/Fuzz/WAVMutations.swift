import TestSupport

/// WAV-aware edits: RIFF, chunk and ds64 size lies, `fmt ` fields (zero and absurd rates and
/// channel counts, block align, bits, format tags, extensible fields), magic and chunk order.
/// ref: Microsoft RIFF/WAVE and WAVEFORMATEXTENSIBLE; EBU Tech 3306 (RF64) §2.3.
enum WAVMutations {
    static let all = [riffSize, chunkSize, fmtField, ds64Field, magic, removeChunk, duplicateChunk, insertChunk]

    /// A chunk as found walking the file from offset 12: `at` is the offset of its ID.
    struct Chunk {
        let id: String
        let at: Int
        let size: UInt64
        var body: Int { at + 8 }
    }

    /// The chunks up to the first whose size runs past the end of the file (that one included).
    static func chunks(_ b: [UInt8]) -> [Chunk] {
        var found: [Chunk] = [], at = 12
        while let size = b.uint(at: at + 4, 4), found.count < 64 {
            found.append(Chunk(id: String(decoding: b[at..<(at + 4)], as: UTF8.self), at: at, size: size))
            at += 8 + Int(size + size & 1)
            guard at <= b.count else { break }
        }
        return found
    }

    static func chunk(_ id: String, in b: [UInt8]) -> Chunk? { chunks(b).first { $0.id == id } }

    static let riffSize = Mutation("wav.riff-size") { b, rng in
        let value = GenericMutations.interesting(4, near: b.count - 8, &rng)
        return b.set(value, at: 4, 4) ? hex(value) : nil
    }

    static let chunkSize = Mutation("wav.chunk-size") { b, rng in
        let all = chunks(b)
        guard !all.isEmpty else { return nil }
        let data = all.first(where: { $0.id == "data" })
        let c = rng.chance(0.4) ? data ?? rng.pick(all) : rng.pick(all)
        let value = rng.chance(0.2) ? UInt64(b.count - c.body + rng.below(3)) : GenericMutations.interesting(4, near: Int(c.size), &rng)
        b.set(value, at: c.at + 4, 4)
        return "'\(c.id)' \(c.size) -> \(hex(value))"
    }

    /// WAVEFORMATEX and WAVEFORMATEXTENSIBLE fields: name, offset in the chunk body, width, values.
    static let fmtFields: [(String, Int, Int, [UInt64])] = [
        ("format tag", 0, 2, [0, 1, 2, 3, 6, 7, 0x55, 0xFFFE, 0xFFFF]),
        ("channels", 2, 2, [0, 1, 2, 3, 8, 9, 255, 0x7FFF, 0xFFFF]),
        ("sample rate", 4, 4, [0, 1, 7999, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 384_000, 4_000_000]),
        ("byte rate", 8, 4, [0, 1, 0xFFFF_FFFF]),
        ("block align", 12, 2, [0, 1, 2, 3, 4, 5, 6, 8, 24, 255, 0xFFFF]),
        ("bits", 14, 2, [0, 1, 4, 7, 8, 12, 16, 20, 24, 31, 32, 33, 48, 64, 0xFFFF]),
        ("extension size", 16, 2, [0, 21, 22, 23, 0xFFFF]),
        ("valid bits", 18, 2, [0, 1, 16, 24, 33, 0xFFFF]),
        ("channel mask", 20, 4, [0, 3, 0xFFFF_FFFF]),
        ("subformat code", 24, 2, [0, 1, 2, 3, 6, 7, 0xFFFE, 0xFFFF]),
        ("subformat GUID byte", 26 + 13, 1, [0, 0x70, 0xFF]),
    ]

    static let fmtField = Mutation("wav.fmt") { b, rng in
        guard let fmt = chunk("fmt ", in: b) else { return nil }
        let (name, offset, width, values) = rng.pick(fmtFields)
        let value = rng.chance(0.85) ? rng.pick(values) : rng.next() & (1 << (8 * UInt64(width)) - 1)
        return b.set(value, at: fmt.body + offset, width) ? "\(name) = \(hex(value))" : nil
    }

    /// ds64 fields (RF64/BW64): the RIFF and data sizes, the sample count, the table length and a
    /// table entry's size. A RIFF file gets a ds64 chunk inserted first, and its magic changed half the time.
    static let ds64Field = Mutation("wav.ds64") { b, rng in
        guard let ds64 = chunk("ds64", in: b) else {
            guard b.count >= 12 else { return nil }
            let body = (0..<3).flatMap { _ in WAVFile.le(GenericMutations.interesting(8, near: b.count, &rng)) }
                + WAVFile.le(UInt32(rng.below(3)))
            b.insert(contentsOf: WAVFile.chunk("ds64", body), at: 12)
            let magic = rng.pick(["RIFF", "RF64", "BW64"])
            b.replaceSubrange(0..<4, with: Array(magic.utf8))
            return "inserted, magic \(magic)"
        }
        let (name, offset, width) = rng.pick([("RIFF size", 0, 8), ("data size", 8, 8), ("sample count", 16, 8),
                                              ("table length", 24, 4), ("table entry size", 32, 8)])
        let value = GenericMutations.interesting(width, near: b.count - ds64.body, &rng)
        return b.set(value, at: ds64.body + offset, width) ? "\(name) = \(hex(value))" : nil
    }

    static let magic = Mutation("wav.magic") { b, rng in
        guard b.count >= 12 else { return nil }
        let (at, tag) = rng.pick([(0, "RIFF"), (0, "RF64"), (0, "BW64"), (0, "RIFX"), (8, "WAVE"), (8, "AVI ")])
        b.replaceSubrange(at..<(at + 4), with: Array(tag.utf8))
        return "\(tag) at \(at)"
    }

    /// The bytes of chunk `c` (header, body and pad byte), clamped to the file.
    static func extent(_ c: Chunk, in b: [UInt8]) -> Range<Int> {
        c.at..<min(b.count, c.body + Int(min(c.size + c.size & 1, UInt64(b.count))))
    }

    static let removeChunk = Mutation("wav.remove-chunk") { b, rng in
        guard let c = chunks(b).randomElement(using: &rng) else { return nil }
        b.removeSubrange(extent(c, in: b))
        return "'\(c.id)'"
    }

    /// A chunk copied to a chunk boundary: a second `fmt `, `data` before `fmt `, and so on.
    static let duplicateChunk = Mutation("wav.duplicate-chunk") { b, rng in
        let all = chunks(b)
        guard let c = all.randomElement(using: &rng) else { return nil }
        let to = rng.pick(all.map(\.at) + [12, b.count])
        b.insert(contentsOf: b[extent(c, in: b)], at: to)
        return "'\(c.id)' at \(to)"
    }

    /// An unknown chunk whose declared size need not match its body.
    static let insertChunk = Mutation("wav.insert-chunk") { b, rng in
        guard b.count >= 12 else { return nil }
        let body = rng.bytes(rng.below(40))
        let size = rng.chance(0.5) ? UInt64(body.count) : GenericMutations.interesting(4, near: body.count, &rng)
        let id = rng.pick(["LIST", "JUNK", "fact", "bext", "\u{0}\u{0}\u{0}\u{0}"])
        let to = rng.pick(chunks(b).map(\.at) + [12, b.count])
        b.insert(contentsOf: Array(id.utf8) + WAVFile.le(UInt32(truncatingIfNeeded: size)) + body, at: to)
        return "'\(id)' of \(body.count) bytes declaring \(hex(size)) at \(to)"
    }
}
