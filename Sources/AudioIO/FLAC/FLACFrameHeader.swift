/// How a frame's channels are coded. ref: RFC 9639 §9.1.3, §4.2
enum FLACChannelAssignment: Equatable {
    case independent(Int), leftSide, sideRight, midSide

    var channels: Int { if case .independent(let n) = self { n } else { 2 } }

    /// Whether subframe `index` is the side channel, stored with one more bit. ref: RFC 9639 §9.2.3
    func isSide(_ index: Int) -> Bool {
        switch self {
        case .independent: false
        case .leftSide, .midSide: index == 1
        case .sideRight: index == 0
        }
    }
}

/// A parsed frame header. ref: RFC 9639 §9.1
struct FLACFrameHeader {
    var blockSize: Int
    var sampleRate: Int
    var assignment: FLACChannelAssignment
    var bitsPerSample: Int
    /// Header bytes including the CRC-8.
    var length: Int
}

/// Frame header parsing, and the quick header check used to find where a damaged frame ends.
extension FLACFrameDecoder {
    /// Parses and checks the header at `offset` (which starts with a sync code). ref: RFC 9639 §9.1
    func parseHeader(at offset: Int, frame: Int) throws(AudioError) -> FLACFrameHeader {
        let name = describe(frame: frame, at: offset)
        let available = raw.count - offset
        func byte(_ i: Int) throws(AudioError) -> Int {
            guard i < available else { throw malformed("the file ends inside the header of \(name)") }
            return Int(raw[offset + i])
        }
        let sizeCode = try byte(2) >> 4, rateCode = try byte(2) & 15
        let channelCode = try byte(3) >> 4, depthCode = try byte(3) >> 1 & 7, reserved = try byte(3) & 1
        // The coded number (§9.1.5): UTF-8-like, 1 to 7 bytes, up to 36 bits.
        let lead = try byte(4)
        let numberLength = lead < 0x80 ? 1 : (~UInt8(lead)).leadingZeroBitCount
        guard (1...7).contains(numberLength), lead & 0xC0 != 0x80 else {
            throw malformed("\(name) has an invalid coded frame or sample number")
        }
        for i in 1..<numberLength where try byte(4 + i) & 0xC0 != 0x80 {
            throw malformed("\(name) has an invalid coded frame or sample number")
        }
        var length = 4 + numberLength
        var blockSize: Int
        switch sizeCode {
        case 0: blockSize = 0
        case 1: blockSize = 192
        case 2...5: blockSize = 576 << (sizeCode - 2)
        case 6: blockSize = try byte(length) + 1; length += 1
        case 7: blockSize = (try byte(length) << 8 | byte(length + 1)) + 1; length += 2
        default: blockSize = 256 << (sizeCode - 8)
        }
        var sampleRate: Int
        switch rateCode {
        case 0: sampleRate = info.sampleRate
        case 12: sampleRate = try byte(length) * 1000; length += 1
        case 13: sampleRate = try byte(length) << 8 | byte(length + 1); length += 2
        case 14: sampleRate = (try byte(length) << 8 | byte(length + 1)) * 10; length += 2
        default: sampleRate = [0, 88200, 176_400, 192_000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000, 0, 0, 0, 0][rateCode]
        }
        let crc = try byte(length)
        length += 1
        guard FLACCRC.crc8(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length - 1)])) == crc else {
            throw .checksumMismatch(path: path, frame: frame, offset: base + offset, checksum: "header CRC-8")
        }
        guard sizeCode != 0 else { throw malformed("\(name) uses the reserved block size code 0") }
        guard blockSize <= 65535 else { throw malformed("\(name) has a block size of 65536; at most 65535 is allowed") }
        guard rateCode != 15 else { throw malformed("\(name) uses the invalid sample rate code 15") }
        guard reserved == 0 else { throw malformed("\(name) has the reserved header bit set") }
        let assignment: FLACChannelAssignment
        switch channelCode {
        case 0...7: assignment = .independent(channelCode + 1)
        case 8: assignment = .leftSide
        case 9: assignment = .sideRight
        case 10: assignment = .midSide
        default: throw malformed("\(name) uses the reserved channel assignment \(channelCode)")
        }
        let bits: Int
        switch depthCode {
        case 0: bits = info.bitsPerSample
        case 3: throw malformed("\(name) uses the reserved bit depth code 3")
        default: bits = [0, 8, 12, 0, 16, 20, 24, 32][depthCode]
        }
        guard assignment.channels == info.channels else {
            throw malformed("\(name) has \(assignment.channels) channels but STREAMINFO gives \(info.channels)")
        }
        guard bits == info.bitsPerSample else {
            throw malformed("\(name) has \(bits)-bit samples but STREAMINFO gives \(info.bitsPerSample)")
        }
        guard sampleRate == info.sampleRate else {
            throw malformed("\(name) has a sample rate of \(sampleRate) Hz but STREAMINFO gives \(info.sampleRate) Hz")
        }
        return FLACFrameHeader(blockSize: blockSize, sampleRate: sampleRate, assignment: assignment,
                               bitsPerSample: bits, length: length)
    }

    /// Whether a frame header with a matching CRC-8 starts at `offset`.
    func validHeaderCRC(at offset: Int) -> Bool {
        guard raw.count - offset >= 6 else { return false }
        let sizeCode = raw[offset + 2] >> 4, rateCode = raw[offset + 2] & 15, lead = raw[offset + 4]
        let numberLength = lead < 0x80 ? 1 : (~lead).leadingZeroBitCount
        guard (1...7).contains(numberLength), lead & 0xC0 != 0x80 else { return false }
        let length = 4 + numberLength + (sizeCode == 6 ? 1 : sizeCode == 7 ? 2 : 0)
            + (rateCode == 12 ? 1 : rateCode == 13 || rateCode == 14 ? 2 : 0)
        guard raw.count - offset > length else { return false }
        return FLACCRC.crc8(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])) == Int(raw[offset + length])
    }
}
