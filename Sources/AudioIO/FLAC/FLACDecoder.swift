import Foundation

/// Decodes native FLAC files to interleaved float samples. ref: RFC 9639
///
/// - Layout (§6, §8): optional ID3v2 tags (ref: ID3 tag version 2.4.0 §3.1), "fLaC", then
///   metadata blocks; STREAMINFO (§8.2) must come first and gives the sample rate, channels, bit
///   depth (4–32), total samples and MD5. PADDING, APPLICATION, SEEKTABLE, VORBIS_COMMENT,
///   CUESHEET, PICTURE and reserved block types are skipped; type 127 is invalid (§8.1).
/// - Frames (§9.1): sync code 0b111111111111100, fixed or variable block size, every block size
///   and sample rate code (including the 8/16-bit values stored after the coded number), bit
///   depth codes (0: STREAMINFO's), channel assignments independent (1–8), left/side, side/right
///   and mid/side (§4.2). The rate, channel count and bit depth must agree with STREAMINFO.
/// - Subframes (§9.2): CONSTANT, VERBATIM, FIXED (orders 0–4), LPC (orders 1–32) with 64-bit
///   accumulation, wasted bits, side channels one bit wider; residuals with 4- and 5-bit Rice
///   parameters, partitions and escaped (raw) partitions (§9.2.7).
/// - Checks: the header CRC-8 (§9.1.8) and frame CRC-16 (§9.3) of every frame, and, when
///   STREAMINFO's is not zero, the MD5 of the decoded audio (§8.2: interleaved, little-endian,
///   signed, ceil(bits / 8) bytes a sample). A frame that does not decode is reported as a CRC
///   mismatch when its bytes fail the CRC-16, so a damaged file is named as damaged.
/// - Length: fewer samples than STREAMINFO declares is an error (a cut file); bytes after the
///   declared samples, and a trailing ID3v1 tag, are ignored.
///
/// Samples are scaled by 2^-(bits - 1). Every read is bounds-checked and all sample arithmetic
/// wraps, so hostile input ends in audio or a typed `AudioError`, never a crash.
public enum FLACDecoder {
    /// The most samples (all channels together) decoded unless told otherwise: 2^30, what a
    /// 1 GiB 8-bit WAV holds, so a small FLAC file cannot expand without bound.
    public static let defaultMaxSamples = 1 << 30

    /// Decodes the bytes of a FLAC file; `path` is only used in messages.
    public static func decode(_ bytes: some ContiguousBytes, path: String,
                              maxSamples: Int = defaultMaxSamples) throws(AudioError) -> DecodedAudio {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(AudioError) in
                let (info, samples) = try decodeStream(raw, path: path, maxSamples: maxSamples, as: Float.self)
                return DecodedAudio(samples: samples, sampleRate: info.sampleRate, channels: info.channels)
            }
        }.get()
    }

    /// STREAMINFO and the interleaved integer samples, unscaled (tests compare them bit for bit).
    static func decodeIntegers(_ bytes: some ContiguousBytes, path: String,
                               maxSamples: Int = defaultMaxSamples) throws(AudioError) -> (FLACStreamInfo, [Int32]) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(AudioError) in try decodeStream(raw, path: path, maxSamples: maxSamples, as: Int32.self) }
        }.get()
    }

    /// The file's frames decoded one after another by a `FLACStream` (the one decoding loop).
    static func decodeStream<Sample: FLACSample>(_ raw: UnsafeRawBufferPointer, path: String, maxSamples: Int,
                                                 as _: Sample.Type) throws(AudioError) -> (FLACStreamInfo, [Sample]) {
        let stream = try FLACStream<Sample>(ByteWindow(raw, path: path), maxSamples: maxSamples)
        var samples: [Sample] = []
        let declared = stream.info.totalSamples.multipliedReportingOverflow(by: UInt64(stream.info.channels))
        if stream.info.totalSamples > 0, !declared.overflow {
            // Trust the declared length only as far as the file's size makes plausible.
            samples.reserveCapacity(Int(min(declared.partialValue, UInt64(maxSamples), UInt64(raw.count) * 8)))
        }
        while let block = try stream.next() { samples.append(contentsOf: block) }
        return (stream.info, samples)
    }
}

/// The STREAMINFO metadata block. ref: RFC 9639 §8.2
struct FLACStreamInfo: Equatable {
    var minBlockSize: Int
    var maxBlockSize: Int
    var sampleRate: Int
    var channels: Int
    var bitsPerSample: Int
    /// Interchannel samples in the stream; 0 when unknown.
    var totalSamples: UInt64
    /// The MD5 of the unencoded audio; all zero when unknown.
    var md5: [UInt8]

    /// Metadata block type names. ref: RFC 9639 §8.1
    static func blockName(_ type: UInt8) -> String {
        switch type {
        case 0: "STREAMINFO"
        case 1: "PADDING"
        case 2: "APPLICATION"
        case 3: "SEEKTABLE"
        case 4: "VORBIS_COMMENT"
        case 5: "CUESHEET"
        case 6: "PICTURE"
        default: "type \(type)"
        }
    }

    /// Parses the ID3v2 tags, "fLaC" and the metadata blocks (their headers read, their bodies
    /// skipped but STREAMINFO's); returns STREAMINFO and the offset of the first frame.
    static func parse(_ r: some CheckedReader) throws(AudioError) -> (FLACStreamInfo, Int) {
        let path = r.path
        func malformed(_ reason: String) -> AudioError { .malformedFLAC(path: path, reason: reason) }
        var offset = 0
        while r.has(10, at: offset), let length = AudioFormat.id3v2Length(try r.bytes(offset, 10), at: 0),
              length <= r.count - offset { offset += length }
        guard r.has(4, at: offset), try r.bytes(offset, 4).elementsEqual("fLaC".utf8) else { throw .notFLAC(path: path) }
        offset += 4
        var info: FLACStreamInfo?
        var isLast = false
        while !isLast {
            guard r.has(4, at: offset) else {
                throw malformed(info == nil ? "the file ends before the STREAMINFO block" : "the file ends inside a metadata block header")
            }
            let head = try r.bytes(offset, 4)
            let type = head[0] & 0x7F, name = blockName(type)
            isLast = head[0] & 0x80 != 0
            let length = Int(head[1]) << 16 | Int(head[2]) << 8 | Int(head[3])
            let body = offset + 4
            guard r.has(length, at: body) else { throw malformed("the file ends inside the \(name) metadata block") }
            switch type {
            case 0 where info == nil:
                guard length >= 34 else { throw malformed("the STREAMINFO block is \(length) bytes; 34 are needed") }
                info = try FLACStreamInfo(r.bytes(body, 34), path: path)
            case 0:
                throw malformed("there is a second STREAMINFO block")
            case 127:
                throw malformed("metadata block type 127 is invalid")
            default:
                guard info != nil else { throw malformed("the first metadata block is \(name), not STREAMINFO") }
            }
            offset = body + length
        }
        guard let info else { throw malformed("there is no STREAMINFO block") }
        return (info, offset)
    }

    /// The 34-byte STREAMINFO body: u16 min and max block size, u24 min and max frame size,
    /// u20 sample rate, u3 channels - 1, u5 bits per sample - 1, u36 total samples, u128 MD5.
    init(_ b: UnsafeRawBufferPointer, path: String) throws(AudioError) {
        minBlockSize = Int(b[0]) << 8 | Int(b[1])
        maxBlockSize = Int(b[2]) << 8 | Int(b[3])
        let packed = (10..<18).reduce(UInt64(0)) { $0 << 8 | UInt64(b[$1]) }
        sampleRate = Int(packed >> 44)
        channels = Int(packed >> 41 & 7) + 1
        bitsPerSample = Int(packed >> 36 & 31) + 1
        totalSamples = packed & ((1 << 36) - 1)
        md5 = Array(b[18..<34])
        try SampleGuard.checkRate(sampleRate, path: path)
        guard bitsPerSample >= 4 else {
            throw .malformedFLAC(path: path, reason: "STREAMINFO gives \(bitsPerSample) bits per sample; FLAC allows 4 to 32")
        }
    }
}

/// What decoded samples are stored as: `Float` scaled by 2^-(bits - 1), or the integers.
protocol FLACSample {
    static var zero: Self { get }
    init(flac value: Int64, scale: Float)
}

extension Float: FLACSample {
    /// Full scale stays just below 1 (Float(2^31 - 1) rounds up to 2^31), as in `WAVEncoding`.
    @inline(__always) init(flac value: Int64, scale: Float) { self = Swift.min(Float(value) * scale, 0x1.fffffep-1) }
}

extension Int32: FLACSample {
    @inline(__always) init(flac value: Int64, scale: Float) { self.init(truncatingIfNeeded: value) }
}

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

/// Why a frame's body did not decode, before it is matched against the frame's CRC-16.
enum FLACFrameError: Error {
    case overrun
    case malformed(String)
}

/// Decodes one frame at a time from `raw`, a window of the file that starts at file offset `base`
/// (offsets below are within the window; messages give them in the file), keeping one buffer per
/// channel between frames.
struct FLACFrameDecoder {
    var raw = UnsafeRawBufferPointer(start: nil, count: 0)
    var base = 0
    /// Whether `raw` runs to the end of the file (else a frame may continue past it).
    var reachesEnd = true
    let path: String
    let info: FLACStreamInfo
    /// One block of each channel in turn (subframe samples, then the reconstructed channels),
    /// then room for 32 LPC coefficients.
    var work: [Int64] = []
    /// One frame's samples in the MD5 byte layout.
    var md5Bytes: [UInt8] = []

    init(path: String, info: FLACStreamInfo) {
        self.path = path
        self.info = info
    }

    func malformed(_ reason: String) -> AudioError { .malformedFLAC(path: path, reason: reason) }

    /// "frame 3 (at byte 1234)": frames are counted from 0, as fixed-block-size frame numbers are.
    func describe(frame: Int, at offset: Int) -> String { "frame \(frame) (at byte \(base + offset))" }

    func hasSync(at offset: Int) -> Bool {
        raw.count - offset >= 2 && raw[offset] == 0xFF && raw[offset + 1] & 0xFE == 0xF8
    }

    // MARK: frame header

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

    // MARK: frame body

    /// Decodes the subframes and checks the CRC-16; returns the offset after the frame.
    mutating func decodeBody(_ header: FLACFrameHeader, at offset: Int, frame: Int) throws(AudioError) -> Int {
        let n = header.blockSize, assignment = header.assignment
        if work.count < assignment.channels * n + 32 { work = [Int64](repeating: 0, count: assignment.channels * n + 32) }
        var reader = BitReader(raw, byteOffset: offset + header.length)
        do throws(FLACFrameError) {
            try work.withUnsafeMutableBufferPointer { buffer throws(FLACFrameError) in
                let base = buffer.baseAddress!, coefficients = base + assignment.channels * n
                for channel in 0..<assignment.channels {
                    try FLACSubframe.decode(&reader, into: base + channel * n, count: n,
                                            bits: header.bitsPerSample + (assignment.isSide(channel) ? 1 : 0),
                                            coefficients: coefficients)
                }
            }
        } catch {
            throw diagnose(error, frame: frame, at: offset, bodyStart: offset + header.length)
        }
        reader.alignToByte()
        let crcAt = reader.byteOffset
        guard raw.count - crcAt >= 2 else {
            throw diagnose(.overrun, frame: frame, at: offset, bodyStart: offset + header.length)
        }
        let stored = Int(raw[crcAt]) << 8 | Int(raw[crcAt + 1])
        guard FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[offset..<crcAt])) == stored else {
            throw .checksumMismatch(path: path, frame: frame, offset: base + offset, checksum: "frame CRC-16")
        }
        work.withUnsafeMutableBufferPointer { FLACSubframe.reconstruct(assignment, $0.baseAddress!, count: n) }
        return crcAt + 2
    }

    /// Writes the block's samples interleaved into `samples[begin...]`, checks they fit the bit
    /// depth and feeds them to the MD5 in its byte layout.
    mutating func emit<Sample: FLACSample>(_ n: Int, into samples: inout [Sample], at begin: Int, scale: Float,
                                           md5: inout MD5?, frame: Int, offset: Int) throws(AudioError) {
        let channels = info.channels, bits = info.bitsPerSample
        var lowest = Int64.max, highest = Int64.min
        work.withUnsafeBufferPointer { work in
            samples.withUnsafeMutableBufferPointer { out in
                for c in 0..<channels {
                    let channel = work.baseAddress! + c * n, o = out.baseAddress! + begin + c
                    for i in 0..<n {
                        let v = channel[i]
                        lowest = min(lowest, v)
                        highest = max(highest, v)
                        o[i * channels] = Sample(flac: v, scale: scale)
                    }
                }
            }
        }
        guard lowest >= -(Int64(1) << (bits - 1)), highest < Int64(1) << (bits - 1) else {
            throw malformed("\(describe(frame: frame, at: offset)) decodes to samples outside the \(bits)-bit range")
        }
        guard md5 != nil else { return }
        let width = (bits + 7) / 8, count = n * channels * width
        if md5Bytes.count < count { md5Bytes = [UInt8](repeating: 0, count: count) }
        work.withUnsafeBufferPointer { work in
            md5Bytes.withUnsafeMutableBytes { bytes in
                let out = bytes.baseAddress!
                for c in 0..<channels {
                    let channel = work.baseAddress! + c * n
                    var o = c * width
                    let step = channels * width
                    switch width {
                    case 1:
                        for i in 0..<n { out.storeBytes(of: UInt8(truncatingIfNeeded: channel[i]), toByteOffset: o, as: UInt8.self); o += step }
                    case 2:
                        for i in 0..<n {
                            out.storeBytes(of: UInt16(truncatingIfNeeded: channel[i]).littleEndian, toByteOffset: o, as: UInt16.self)
                            o += step
                        }
                    case 4:
                        for i in 0..<n {
                            out.storeBytes(of: UInt32(truncatingIfNeeded: channel[i]).littleEndian, toByteOffset: o, as: UInt32.self)
                            o += step
                        }
                    default:
                        for i in 0..<n {
                            let v = channel[i]
                            for k in 0..<width { out.storeBytes(of: UInt8(truncatingIfNeeded: v >> Int64(8 * k)), toByteOffset: o + k, as: UInt8.self) }
                            o += step
                        }
                    }
                }
            }
        }
        md5Bytes.withUnsafeBytes { md5?.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// The error for a frame whose subframes did not decode. If some possible end of the frame
    /// (a later valid frame header, or the end of the file) makes its CRC-16 match, the frame is
    /// intact and the decoding error stands. Otherwise the frame is damaged: a cut file when
    /// decoding ran out of bytes and no frame follows, else a CRC mismatch.
    func diagnose(_ error: FLACFrameError, frame: Int, at offset: Int, bodyStart: Int) -> AudioError {
        let name = describe(frame: frame, at: offset)
        // For a frame ending at `end`, the CRC-16 covers raw[offset..<end - 2].
        var crc = FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[offset..<bodyStart]))
        var end = bodyStart + 2, laterHeader = false
        while end <= raw.count {
            if (end == raw.count && reachesEnd) || (hasSync(at: end) && validHeaderCRC(at: end)) {
                if crc == Int(raw[end - 2]) << 8 | Int(raw[end - 1]) {
                    switch error {
                    case .overrun: return malformed("the file ends inside \(name)")
                    case .malformed(let reason): return malformed("\(name): \(reason)")
                    }
                }
                laterHeader = laterHeader || end < raw.count
            }
            crc = FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[(end - 2)..<(end - 1)]), crc: crc)
            end += 1
        }
        if case .overrun = error, !laterHeader { return malformed("the file ends inside \(name)") }
        return .checksumMismatch(path: path, frame: frame, offset: base + offset, checksum: "frame CRC-16")
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

/// Subframe decoding (ref: RFC 9639 §9.2) into a block of 64-bit samples. All sample arithmetic
/// wraps: a hostile stream gives wrong samples (caught by the range check, CRC or MD5), never a trap.
enum FLACSubframe {
    @inline(__always) static func read(_ r: inout BitReader, _ n: Int) throws(FLACFrameError) -> UInt64 {
        do { return try r.read(n) } catch { throw .overrun }
    }

    @inline(__always) static func signed(_ r: inout BitReader, _ n: Int) throws(FLACFrameError) -> Int64 {
        do { return try r.readSigned(n) } catch { throw .overrun }
    }

    @inline(__always) static func unary(_ r: inout BitReader) throws(FLACFrameError) -> Int {
        do { return try r.readUnary() } catch { throw .overrun }
    }

    @inline(__always) static func rice(_ r: inout BitReader, _ k: Int) throws(FLACFrameError) -> (quotient: Int, low: UInt64) {
        do { return try r.readRice(k) } catch { throw .overrun }
    }

    /// One subframe of `count` samples at `bits` bits (the frame's, plus one for a side channel).
    /// `coefficients` has room for 32 LPC coefficients.
    static func decode(_ r: inout BitReader, into s: UnsafeMutablePointer<Int64>, count n: Int, bits: Int,
                       coefficients: UnsafeMutablePointer<Int64>) throws(FLACFrameError) {
        // Header (§9.2.1): a zero bit, 6 type bits, the wasted-bits flag; k - 1 in unary (§9.2.2).
        let head = Int(try read(&r, 8))
        guard head & 0x80 == 0 else { throw .malformed("a subframe header starts with a 1 bit") }
        let type = head >> 1 & 63
        let wasted = head & 1 == 0 ? 0 : try unary(&r) + 1
        guard wasted < bits else { throw .malformed("a subframe has \(wasted) wasted bits of \(bits)") }
        let depth = bits - wasted
        switch type {
        case 0:                                                         // CONSTANT (§9.2.3)
            let value = try signed(&r, depth)
            for i in 0..<n { s[i] = value }
        case 1:                                                         // VERBATIM (§9.2.4)
            for i in 0..<n { s[i] = try signed(&r, depth) }
        case 8...12:                                                    // FIXED (§9.2.5)
            let order = type - 8
            guard order <= n else { throw .malformed("a fixed predictor of order \(order) in a block of \(n) samples") }
            for i in 0..<order { s[i] = try signed(&r, depth) }
            try residual(&r, into: s, count: n, order: order)
            fixedPrediction(s, count: n, order: order)
        case 32...63:                                                   // LPC (§9.2.6)
            let order = type - 31
            guard order <= n else { throw .malformed("a linear predictor of order \(order) in a block of \(n) samples") }
            for i in 0..<order { s[i] = try signed(&r, depth) }
            let precision = Int(try read(&r, 4)) + 1
            guard precision < 16 else { throw .malformed("the LPC coefficient precision code 15 is invalid") }
            let shift = try signed(&r, 5)
            guard shift >= 0 else { throw .malformed("the LPC shift is negative (\(shift))") }
            for i in 0..<order { coefficients[i] = try signed(&r, precision) }
            try residual(&r, into: s, count: n, order: order)
            linearPrediction(s, count: n, order: order, coefficients: coefficients, shift: shift)
        default:
            throw .malformed("a subframe uses the reserved type \(type)")
        }
        if wasted > 0 {
            for i in 0..<n { s[i] = s[i] &<< Int64(wasted) }
        }
    }

    /// The coded residual (§9.2.7) into s[order..<n]: method 0 or 1 (4- or 5-bit Rice
    /// parameters), 2^order partitions, escaped partitions of raw signed values, Rice codes
    /// folded (zigzag) and limited to 32-bit values (§9.2.7.3).
    static func residual(_ r: inout BitReader, into s: UnsafeMutablePointer<Int64>, count n: Int,
                         order: Int) throws(FLACFrameError) {
        let method = try read(&r, 2)
        guard method < 2 else { throw .malformed("a residual uses the reserved coding method \(method)") }
        let parameterBits = method == 0 ? 4 : 5, escape = (1 << parameterBits) - 1
        let partitionOrder = Int(try read(&r, 4))
        let perPartition = n >> partitionOrder
        guard perPartition << partitionOrder == n else {
            throw .malformed("a block of \(n) samples cannot be split into \(1 << partitionOrder) residual partitions")
        }
        guard perPartition >= order else {
            throw .malformed("residual partition order \(partitionOrder) leaves fewer than \(order) samples for the warm-up")
        }
        var i = order
        for partition in 1...(1 << partitionOrder) {
            let end = partition * perPartition
            let parameter = Int(try read(&r, parameterBits))
            if parameter == escape {
                let width = Int(try read(&r, 5))
                while i < end { s[i] = try signed(&r, width); i += 1 }
                continue
            }
            let maxQuotient = Int(UInt32.max >> UInt32(parameter))
            while i < end {
                let (quotient, low) = try rice(&r, parameter)
                guard quotient <= maxQuotient else { throw .malformed("a residual value exceeds 32 bits") }
                let folded = UInt64(quotient) &<< UInt64(parameter) | low
                s[i] = Int64(bitPattern: folded >> 1) ^ -Int64(bitPattern: folded & 1)
                i += 1
            }
        }
    }

    /// Adds the fixed predictions of order 0–4 to the residuals in s[order..<n]. ref: RFC 9639 §9.2.5
    static func fixedPrediction(_ s: UnsafeMutablePointer<Int64>, count n: Int, order: Int) {
        guard n > order else { return }
        switch order {
        case 1: for i in 1..<n { s[i] = s[i] &+ s[i - 1] }
        case 2: for i in 2..<n { s[i] = s[i] &+ 2 &* s[i - 1] &- s[i - 2] }
        case 3: for i in 3..<n { s[i] = s[i] &+ 3 &* (s[i - 1] &- s[i - 2]) &+ s[i - 3] }
        case 4: for i in 4..<n { s[i] = s[i] &+ 4 &* (s[i - 1] &+ s[i - 3]) &- 6 &* s[i - 2] &- s[i - 4] }
        default: break
        }
    }

    /// Adds the linear predictions (sum of coefficient[j] · s[i - 1 - j], 64-bit, shifted right)
    /// to the residuals in s[order..<n]. ref: RFC 9639 §9.2.6
    static func linearPrediction(_ s: UnsafeMutablePointer<Int64>, count n: Int, order: Int,
                                 coefficients c: UnsafeMutablePointer<Int64>, shift: Int64) {
        guard n > order else { return }
        for i in order..<n {
            var sum: Int64 = 0
            for j in 0..<order { sum = sum &+ c[j] &* s[i - 1 - j] }
            s[i] = s[i] &+ (sum &>> shift)
        }
    }

    /// Restores left and right from side channels (the side channel is left minus right). For
    /// mid/side the mid channel lost its lowest bit, which is the side channel's: mid = mid · 2
    /// + (side & 1), left = (mid + side) >> 1, right = (mid - side) >> 1. ref: RFC 9639 §4.2
    static func reconstruct(_ assignment: FLACChannelAssignment, _ block: UnsafeMutablePointer<Int64>, count n: Int) {
        let a = block, b = block + n
        switch assignment {
        case .independent: break
        case .leftSide: for i in 0..<n { b[i] = a[i] &- b[i] }
        case .sideRight: for i in 0..<n { a[i] = a[i] &+ b[i] }
        case .midSide:
            for i in 0..<n {
                let side = b[i], mid = a[i] &<< 1 | side & 1
                a[i] = (mid &+ side) &>> 1
                b[i] = (mid &- side) &>> 1
            }
        }
    }
}

/// The frame checksums: CRC-8 with polynomial x^8 + x^2 + x + 1 over the header (§9.1.8) and
/// CRC-16 with polynomial x^16 + x^15 + x^2 + 1 over the whole frame (§9.3), both starting at 0,
/// most significant bit first. CRC-16 runs 8 bytes a step ("slicing by 8"): table k holds the
/// CRC of a byte followed by k zero bytes, and the CRC of 8 bytes is the XOR of their entries.
enum FLACCRC {
    static let table8: [UInt8] = (0..<256).map { (i: Int) -> UInt8 in
        var c = UInt8(i)
        for _ in 0..<8 { c = c & 0x80 != 0 ? c << 1 ^ 0x07 : c << 1 }
        return c
    }

    /// Eight 256-entry tables, one after the other.
    static let table16: [UInt16] = {
        var t = (0..<256).map { (i: Int) -> UInt16 in
            var c = UInt16(i) << 8
            for _ in 0..<8 { c = c & 0x8000 != 0 ? c << 1 ^ 0x8005 : c << 1 }
            return c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = t[(k - 1) * 256 + i]
                t.append(previous << 8 ^ t[Int(previous >> 8)])
            }
        }
        return t
    }()

    static func crc8(_ bytes: UnsafeRawBufferPointer) -> Int {
        table8.withUnsafeBufferPointer { t in
            var crc: UInt8 = 0
            for byte in bytes { crc = t[Int(crc ^ byte)] }
            return Int(crc)
        }
    }

    /// The CRC-16 of `bytes`, continuing from `crc`.
    static func crc16(_ bytes: UnsafeRawBufferPointer, crc start: Int = 0) -> Int {
        table16.withUnsafeBufferPointer { t in
            var crc = UInt16(truncatingIfNeeded: start)
            var i = 0
            if let base = bytes.baseAddress {
                while bytes.count - i >= 8 {
                    let word = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(crc) << 48
                    @inline(__always) func entry(_ table: Int, _ shift: UInt64) -> UInt16 {
                        t[table << 8 | Int(word >> shift & 0xFF)]
                    }
                    crc = entry(7, 56) ^ entry(6, 48) ^ entry(5, 40) ^ entry(4, 32)
                        ^ entry(3, 24) ^ entry(2, 16) ^ entry(1, 8) ^ entry(0, 0)
                    i += 8
                }
            }
            while i < bytes.count {
                crc = crc << 8 ^ t[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ bytes[i])]
                i += 1
            }
            return Int(crc)
        }
    }
}
