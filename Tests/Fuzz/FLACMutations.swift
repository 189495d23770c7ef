import TestSupport

/// FLAC-aware edits (ref: RFC 9639): STREAMINFO fields (rate, channels, bits, total samples,
/// block and frame sizes, MD5), metadata block lengths, types and order, frame header codes and
/// block sizes, subframe and residual bytes, and streams of constant frames (the most samples per
/// byte FLAC allows). Edited frames are mostly re-signed (CRC-8 and CRC-16 recomputed, the MD5
/// cleared) so that decoding gets past the checksums into the subframes.
enum FLACMutations {
    static let all = [streamInfo, blockLength, blockType, blockEdit, frameHeader, blockSize, frameBody, constantFrames]

    /// Where things are: "fLaC", the metadata block headers and the frames.
    struct Layout {
        var blocks: [(at: Int, type: UInt8, length: Int)] = []
        /// Found by their sync code and a matching header CRC-8.
        var frames: [Range<Int>] = []
        var framesStart = 0
        /// The 34-byte STREAMINFO body, if the first block is one and fits.
        var streamInfo: Int?
    }

    static func layout(_ b: [UInt8]) -> Layout? {
        guard let marker = b.find("fLaC") else { return nil }
        var layout = Layout(), at = marker + 4
        while let head = b.uint(at: at, 4, bigEndian: true), layout.blocks.count < 64 {
            layout.blocks.append((at, UInt8(head >> 24 & 0x7F), Int(head & 0xFF_FFFF)))
            at += 4 + Int(head & 0xFF_FFFF)
            if head >> 31 == 1 { break }
        }
        if let first = layout.blocks.first, first.type == 0, b.count - first.at >= 38 { layout.streamInfo = first.at + 4 }
        layout.framesStart = min(at, b.count)
        let starts = (layout.framesStart..<b.count).filter { b[$0] == 0xFF && isFrameHeader(b, at: $0) }
        layout.frames = zip(starts, starts.dropFirst() + [b.count]).map { $0..<$1 }
        return layout
    }

    /// The header's length without its CRC-8 byte, from the coded number's length and the block
    /// size and rate codes that add bytes (RFC 9639 §9.1.5–§9.1.7); nil if it does not fit.
    static func headerLength(_ b: [UInt8], at o: Int) -> Int? {
        guard b.count - o >= 6 else { return nil }
        let lead = b[o + 4], number = lead < 0x80 ? 1 : (~lead).leadingZeroBitCount
        guard (1...7).contains(number) else { return nil }
        let extra = extraBytes(b[o + 2])
        let length = 4 + number + extra.size + extra.rate
        return b.count - o > length ? length : nil
    }

    /// The bytes after the coded number that the block size and sample rate codes (the header's
    /// third byte) call for: 8 or 16 bits of block size, 8 or 16 bits of rate (§9.1.6, §9.1.7).
    static func extraBytes(_ codes: UInt8) -> (size: Int, rate: Int) {
        let size = codes >> 4, rate = codes & 15
        return (size == 6 ? 1 : size == 7 ? 2 : 0, rate == 12 ? 1 : rate == 13 || rate == 14 ? 2 : 0)
    }

    static func isFrameHeader(_ b: [UInt8], at o: Int) -> Bool {
        guard b.count - o >= 2, b[o] == 0xFF, b[o + 1] & 0xFE == 0xF8, let n = headerLength(b, at: o) else { return false }
        return FLACChecksums.crc8(b[o..<(o + n)]) == b[o + n]
    }

    /// Recomputes the header CRC-8 of `frame`, and its CRC-16 (the last two bytes) if `body`.
    static func resign(_ b: inout [UInt8], _ frame: Range<Int>, body: Bool) {
        let o = frame.lowerBound
        if let n = headerLength(b, at: o) { b[o + n] = FLACChecksums.crc8(b[o..<(o + n)]) }
        if body, frame.count >= 2, frame.upperBound <= b.count {
            b.set(UInt64(FLACChecksums.crc16(b[o..<(frame.upperBound - 2)])), at: frame.upperBound - 2, 2, bigEndian: true)
        }
    }

    /// Re-signs `frame` (usually) and clears the MD5 (half the time); says which.
    static func resign(_ b: inout [UInt8], _ frame: Range<Int>, _ layout: Layout, _ rng: inout SplitMix64) -> String {
        var notes: [String] = []
        if rng.chance(0.85) { resign(&b, frame, body: rng.chance(0.9)); notes.append("re-signed") }
        if let info = layout.streamInfo, rng.chance(0.5) {
            b.replaceSubrange((info + 18)..<(info + 34), with: [UInt8](repeating: 0, count: 16))
            notes.append("MD5 cleared")
        }
        return notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"
    }

    /// STREAMINFO fields: name, bit offset in the body, width, values (RFC 9639 §8.2).
    static let streamInfoFields: [(String, Int, Int, [UInt64])] = [
        ("min block size", 0, 16, [0, 1, 15, 16, 4096, 65535]),
        ("max block size", 16, 16, [0, 1, 15, 16, 4096, 65535]),
        ("min frame size", 32, 24, [0, 1, 0xFF_FFFF]),
        ("max frame size", 56, 24, [0, 1, 0xFF_FFFF]),
        ("sample rate", 80, 20, [0, 1, 8000, 44100, 96000, 655_350, 0xF_FFFF]),
        ("channels - 1", 100, 3, Array(0...7)),
        ("bits - 1", 103, 5, [0, 2, 3, 7, 11, 15, 19, 23, 31]),
        ("total samples", 108, 36, [0, 1, 4095, 1 << 35, 1 << 36 - 1]),
        ("MD5 byte", 144 + 8 * 7, 8, [0, 0xFF]),
    ]

    static let streamInfo = Mutation("flac.streaminfo") { b, rng in
        guard let info = layout(b)?.streamInfo else { return nil }
        let (name, bit, width, values) = rng.pick(streamInfoFields)
        let value = rng.chance(0.85) ? rng.pick(values) : rng.next() & (1 << UInt64(width) - 1)
        b.setBits(value, at: info * 8 + bit, width)
        return "\(name) = \(hex(value))"
    }

    static let blockLength = Mutation("flac.block-length") { b, rng in
        guard let block = layout(b)?.blocks.randomElement(using: &rng) else { return nil }
        let remaining = b.count - block.at - 4
        let value = rng.pick([0, 1, 33, 34, block.length - 1, block.length + 1, remaining, remaining + 1, 0xFF_FFFF, rng.below(1 << 24)])
        b.set(UInt64(min(max(value, 0), 0xFF_FFFF)), at: block.at + 1, 3, bigEndian: true)
        return "type \(block.type) \(block.length) -> \(value)"
    }

    static let blockType = Mutation("flac.block-type") { b, rng in
        guard let block = layout(b)?.blocks.randomElement(using: &rng) else { return nil }
        if rng.chance(0.3) {
            b[block.at] ^= 0x80
            return "last-block flag of type \(block.type) flipped"
        }
        let type = rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 126, 127] as [UInt8])
        b[block.at] = b[block.at] & 0x80 | type
        return "type \(block.type) -> \(type)"
    }

    /// A metadata block removed or duplicated, or a block of another type inserted, at a block
    /// boundary (STREAMINFO may end up second, twice, or missing; the last-block flags are kept).
    static let blockEdit = Mutation("flac.block-edit") { b, rng in
        guard let layout = layout(b), let block = layout.blocks.randomElement(using: &rng) else { return nil }
        let extent = block.at..<min(b.count, block.at + 4 + block.length)
        let to = rng.pick(layout.blocks.map(\.at) + [layout.framesStart])
        switch rng.below(3) {
        case 0:
            b.removeSubrange(extent)
            return "removed type \(block.type)"
        case 1:
            b.insert(contentsOf: b[extent], at: to)
            return "type \(block.type) copied to \(to)"
        default:
            let type = rng.pick([0, 1, 2, 4, 6, 9] as [UInt8]), body = rng.bytes(rng.pick([0, 3, 34, 200]))
            b.insert(contentsOf: [type, 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body, at: to)
            return "type \(type) of \(body.count) bytes inserted at \(to)"
        }
    }

    /// Frame header fields: name, bit offset, width, values (RFC 9639 §9.1).
    static let headerFields: [(String, Int, Int, [UInt64])] = [
        ("blocking strategy", 15, 1, [0, 1]),
        ("block size code", 16, 4, Array(0...15)),
        ("sample rate code", 20, 4, Array(0...15)),
        ("channel code", 24, 4, Array(0...15)),
        ("bit depth code", 28, 3, Array(0...7)),
        ("reserved bit", 31, 1, [1]),
        ("coded number", 32, 8, [0x00, 0x7F, 0x80, 0xC0, 0xFC, 0xFE, 0xFF]),
        ("after the coded number", 40, 16, [0, 0xFF, 0xFFFF]),
    ]

    static let frameHeader = Mutation("flac.frame-header") { b, rng in
        guard let layout = layout(b), let frame = layout.frames.randomElement(using: &rng) else { return nil }
        let (name, bit, width, values) = rng.pick(headerFields)
        let value = rng.pick(values)
        guard b.setBits(value, at: frame.lowerBound * 8 + bit, width) else { return nil }
        return "\(name) = \(hex(value)) at \(frame.lowerBound)" + resign(&b, frame, layout, &rng)
    }

    /// A frame's header rewritten for another block size (the code, and the 8 or 16 bits after
    /// the coded number for sizes off the table), bytes inserted or removed so it stays well formed.
    static let blockSize = Mutation("flac.block-size") { b, rng in
        guard let layout = layout(b), let frame = layout.frames.randomElement(using: &rng),
              let oldLength = headerLength(b, at: frame.lowerBound) else { return nil }
        let size = rng.pick([1, 2, 15, 16, 17, 192, 255, 256, 4096, 4608, 32768, 65535, 65536])
        let o = frame.lowerBound, extra = extraBytes(b[o + 2]).size
        let sizeAt = o + oldLength - extra - extraBytes(b[o + 2]).rate
        let (code, bytes): (UInt8, [UInt8]) = switch size {
        case 192: (1, [])
        case 4608: (5, [])
        case 256, 4096, 32768: (UInt8(8 + (size / 256).trailingZeroBitCount), [])
        case ...256: (6, [UInt8(size - 1)])
        default: (7, [UInt8((size - 1) >> 8), UInt8((size - 1) & 0xFF)])
        }
        b[o + 2] = code << 4 | b[o + 2] & 15
        b.replaceSubrange(sizeAt..<(sizeAt + extra), with: bytes)
        let moved = o..<(frame.upperBound + bytes.count - extra)
        return "\(size) at \(o)" + resign(&b, moved, layout, &rng)
    }

    /// Bytes after a frame header: the first subframe's header byte (type, wasted-bits flag) or
    /// bits of the subframes and residuals, mostly near the start where the coding parameters are.
    static let frameBody = Mutation("flac.frame-body") { b, rng in
        guard let layout = layout(b), let frame = layout.frames.randomElement(using: &rng),
              let n = headerLength(b, at: frame.lowerBound), frame.count > n + 3 else { return nil }
        let body = (frame.lowerBound + n + 1)..<(frame.upperBound - 2)
        let what: String
        if rng.chance(0.4) {
            let value = rng.pick([0x00, 0x02, 0x03, 0x04, 0x10, 0x12, 0x18, 0x1A, 0x20, 0x40, 0x41, 0x7E, 0x80] as [UInt8])
            b[body.lowerBound] = value
            what = "subframe header \(hex(UInt64(value)))"
        } else {
            let bits = (0..<rng.pick([1, 2, 4, 8])).map { _ in
                body.lowerBound * 8 + rng.below(8 * (rng.chance(0.6) ? min(body.count, 16) : body.count))
            }
            for bit in bits { b[bit / 8] ^= 0x80 >> (bit % 8) }
            what = "bits \(bits.map { $0 - frame.lowerBound * 8 }) of the frame"
        }
        return "\(what) at \(frame.lowerBound)" + resign(&b, frame, layout, &rng)
    }

    /// The frames replaced by copies of one frame of CONSTANT zero subframes (the fewest bytes per
    /// sample: ~12 bytes a channel for up to 65535 samples): a decompression bomb when copied
    /// often. Total samples and the MD5 are mostly cleared so that the stream stays valid.
    static let constantFrames = Mutation("flac.constant-frames") { b, rng in
        guard let layout = layout(b), let info = layout.streamInfo,
              let channels = b.bits(at: info * 8 + 100, 3).map({ Int($0) + 1 }),
              let bits = b.bits(at: info * 8 + 103, 5).map({ Int($0) + 1 }) else { return nil }
        let size = rng.pick([1, 16, 4096, 65535]), copies = rng.pick([1, 10, 1000, 20000])
        // Size code 7 (16-bit size follows), rate and depth from STREAMINFO, independent channels,
        // frame number 0; then per channel a CONSTANT subframe header (0) and a zero value.
        var frame: [UInt8] = [0xFF, 0xF8, 0x70, UInt8(channels - 1) << 4, 0, UInt8((size - 1) >> 8), UInt8((size - 1) & 0xFF)]
        frame.append(FLACChecksums.crc8(frame))
        frame += [UInt8](repeating: 0, count: (channels * (8 + bits) + 7) / 8)
        let crc = FLACChecksums.crc16(frame)
        frame += [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        let cleared = rng.chance(0.8)
        if cleared { b.replaceSubrange((info + 13)..<(info + 34), with: [b[info + 13] & 0xF0] + [UInt8](repeating: 0, count: 20)) }
        b.replaceSubrange(layout.framesStart..., with: (0..<copies).flatMap { _ in frame })
        return "\(copies) × \(size) samples × \(channels) channels" + (cleared ? " (total samples and MD5 cleared)" : "")
    }
}
