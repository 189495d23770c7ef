@testable import AudioIO
import Foundation
import Testing
import TestSupport

/// Writes bits most significant first, as FLAC stores them.
struct BitWriter {
    var bytes: [UInt8] = []
    var bits = 0

    /// The low `n` bits of `value` (n ≤ 64).
    mutating func write(_ value: UInt64, _ n: Int) {
        for i in stride(from: n - 1, through: 0, by: -1) {
            if bits % 8 == 0 { bytes.append(0) }
            if value >> UInt64(i) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(bits % 8) }
            bits += 1
        }
    }

    mutating func write(_ value: Int, _ n: Int) { write(UInt64(bitPattern: Int64(value)), n) }
    mutating func signed(_ value: Int64, _ n: Int) { write(UInt64(bitPattern: value), n) }
    mutating func unary(_ zeros: Int) { for _ in 0..<zeros { write(0, 1) }; write(1, 1) }
    mutating func align() { while bits % 8 != 0 { write(0, 1) } }
}

/// Builds FLAC streams bit by bit (an independent encoder for the tests): STREAMINFO, other
/// metadata blocks, frames with any header code and any subframe coding.
enum FLACFile {
    /// How one subframe is coded.
    struct Subframe {
        enum Kind { case constant, verbatim, fixed(Int), lpc([Int64], precision: Int, shift: Int) }
        var kind: Kind
        var wasted = 0
        /// Residual coding method: 0 (4-bit Rice parameters) or 1 (5-bit).
        var method = 0
        var partitionOrder = 0
        /// Store partitions as raw values after the escape code.
        var escape = false
        /// Rice parameter; nil picks one from the partition's mean.
        var parameter: Int?

        init(_ kind: Kind, wasted: Int = 0, method: Int = 0, partitionOrder: Int = 0, escape: Bool = false,
             parameter: Int? = nil) {
            (self.kind, self.wasted, self.method, self.partitionOrder, self.escape, self.parameter)
                = (kind, wasted, method, partitionOrder, escape, parameter)
        }
    }

    /// The UTF-8-like coded number (RFC 9639 §9.1.5).
    static func coded(_ value: UInt64) -> [UInt8] {
        if value < 0x80 { return [UInt8(value)] }
        let count = (2...7).first { value < UInt64(1) << UInt64(5 * $0 + 1) }!
        var tail: [UInt8] = []
        var v = value
        for _ in 1..<count { tail.insert(0x80 | UInt8(v & 0x3F), at: 0); v >>= 6 }
        return [UInt8(truncatingIfNeeded: 0xFF << (8 - count)) | UInt8(v)] + tail
    }

    static func streamInfo(rate: Int, channels: Int, bits: Int, total: Int, md5: [UInt8],
                           minBlock: Int = 16, maxBlock: Int = 65535) -> [UInt8] {
        var w = BitWriter()
        w.write(minBlock, 16); w.write(maxBlock, 16); w.write(0, 24); w.write(0, 24)
        w.write(rate, 20); w.write(channels - 1, 3); w.write(bits - 1, 5); w.write(total, 36)
        return w.bytes + md5
    }

    static func block(_ type: Int, _ body: [UInt8], last: Bool = false) -> [UInt8] {
        [UInt8(type) | (last ? 0x80 : 0), UInt8(body.count >> 16 & 0xFF), UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)] + body
    }

    /// "fLaC", STREAMINFO, `metadata` blocks (type, body) and the frames.
    static func stream(rate: Int, channels: Int, bits: Int, total: Int, md5: [UInt8],
                       metadata: [(Int, [UInt8])] = [], frames: [[UInt8]]) -> [UInt8] {
        var out = Array("fLaC".utf8) + block(0, streamInfo(rate: rate, channels: channels, bits: bits, total: total, md5: md5),
                                             last: metadata.isEmpty)
        for (i, (type, body)) in metadata.enumerated() { out += block(type, body, last: i == metadata.count - 1) }
        return out + frames.flatMap { $0 }
    }

    /// The MD5 layout of interleaved samples (RFC 9639 §8.2).
    static func md5(_ channels: [[Int64]], bits: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        let width = (bits + 7) / 8
        for i in 0..<(channels.first?.count ?? 0) {
            for c in channels.indices { for k in 0..<width { bytes.append(UInt8(truncatingIfNeeded: channels[c][i] >> Int64(8 * k))) } }
        }
        return MD5.digest(bytes)
    }

    static let sizeCodes: [Int: Int] = [192: 1, 576: 2, 1152: 3, 2304: 4, 4608: 5, 256: 8, 512: 9, 1024: 10,
                                        2048: 11, 4096: 12, 8192: 13, 16384: 14, 32768: 15]
    static let rateCodes: [Int: Int] = [88200: 1, 176_400: 2, 192_000: 3, 8000: 4, 16000: 5, 22050: 6, 24000: 7,
                                        32000: 8, 44100: 9, 48000: 10, 96000: 11]
    static let depthCodes: [Int: Int] = [8: 1, 12: 2, 16: 4, 20: 5, 24: 6, 32: 7]

    /// One frame of `channels` (the original samples, e.g. left and right). `assignment` is the
    /// channel code (0–7 independent, 8 left/side, 9 side/right, 10 mid/side). Codes nil pick the
    /// table code where there is one, else the uncommon (end-of-header) or STREAMINFO form.
    static func frame(_ channels: [[Int64]], bits: Int, rate: Int, number: UInt64, variable: Bool = false,
                      assignment: Int? = nil, subframes: [Subframe], sizeCode: Int? = nil, rateCode: Int? = nil,
                      depthCode: Int? = nil) -> [UInt8] {
        let n = channels[0].count
        let assignment = assignment ?? channels.count - 1
        let size = sizeCode ?? sizeCodes[n] ?? (n <= 256 ? 6 : 7)
        let rateCode = rateCode ?? rateCodes[rate] ?? (rate % 1000 == 0 && rate / 1000 < 256 ? 12 : rate < 65536 ? 13 : 14)
        var w = BitWriter()
        w.write(0xFFF8 | (variable ? 1 : 0), 16)
        w.write(size, 4); w.write(rateCode, 4)
        w.write(assignment, 4); w.write(depthCode ?? depthCodes[bits] ?? 0, 3); w.write(0, 1)
        w.bytes += coded(number); w.bits += 8 * coded(number).count
        if size == 6 { w.write(n - 1, 8) }
        if size == 7 { w.write(n - 1, 16) }
        if rateCode == 12 { w.write(rate / 1000, 8) }
        if rateCode == 13 { w.write(rate, 16) }
        if rateCode == 14 { w.write(rate / 10, 16) }
        w.write(UInt64(FLACChecksums.crc8(w.bytes)), 8)
        let left = channels[0], right = channels.count > 1 ? channels[1] : []
        let coded: [([Int64], Int)]
        switch assignment {
        case 8: coded = [(left, bits), (zip(left, right).map { $0 - $1 }, bits + 1)]
        case 9: coded = [(zip(left, right).map { $0 - $1 }, bits + 1), (right, bits)]
        case 10: coded = [(zip(left, right).map { ($0 + $1) >> 1 }, bits), (zip(left, right).map { $0 - $1 }, bits + 1)]
        default: coded = channels.map { ($0, bits) }
        }
        for ((signal, width), spec) in zip(coded, subframes) { subframe(&w, signal, bits: width, spec) }
        w.align()
        return w.bytes + [UInt8(FLACChecksums.crc16(w.bytes) >> 8), UInt8(FLACChecksums.crc16(w.bytes) & 0xFF)]
    }

    static func subframe(_ w: inout BitWriter, _ signal: [Int64], bits: Int, _ spec: Subframe) {
        let s = signal.map { $0 >> Int64(spec.wasted) }, depth = bits - spec.wasted
        let type: Int
        switch spec.kind {
        case .constant: type = 0
        case .verbatim: type = 1
        case .fixed(let order): type = 8 + order
        case .lpc(let c, _, _): type = 31 + c.count
        }
        w.write(0, 1); w.write(type, 6)
        if spec.wasted > 0 { w.write(1, 1); w.unary(spec.wasted - 1) } else { w.write(0, 1) }
        switch spec.kind {
        case .constant: w.signed(s[0], depth)
        case .verbatim: for v in s { w.signed(v, depth) }
        case .fixed(let order):
            for v in s.prefix(order) { w.signed(v, depth) }
            let residual = (order..<s.count).map { i -> Int64 in
                switch order {
                case 0: s[i]
                case 1: s[i] - s[i - 1]
                case 2: s[i] - 2 * s[i - 1] + s[i - 2]
                case 3: s[i] - 3 * s[i - 1] + 3 * s[i - 2] - s[i - 3]
                default: s[i] - 4 * s[i - 1] + 6 * s[i - 2] - 4 * s[i - 3] + s[i - 4]
                }
            }
            self.residual(&w, residual, count: s.count, order: order, spec)
        case .lpc(let c, let precision, let shift):
            for v in s.prefix(c.count) { w.signed(v, depth) }
            w.write(precision - 1, 4); w.signed(Int64(shift), 5)
            for v in c { w.signed(v, precision) }
            let residual = (c.count..<s.count).map { i -> Int64 in
                s[i] - (c.indices.reduce(Int64(0)) { $0 + c[$1] * s[i - 1 - $1] } >> Int64(shift))
            }
            self.residual(&w, residual, count: s.count, order: c.count, spec)
        }
    }

    static func residual(_ w: inout BitWriter, _ r: [Int64], count n: Int, order: Int, _ spec: Subframe) {
        w.write(spec.method, 2); w.write(spec.partitionOrder, 4)
        let per = n >> spec.partitionOrder, parameterBits = spec.method == 0 ? 4 : 5
        var start = 0
        for p in 0..<(1 << spec.partitionOrder) {
            let part = Array(r[start..<(start + max(0, min(r.count - start, per - (p == 0 ? order : 0))))])
            start += part.count
            if spec.escape {
                let width = part.map { v in v == 0 ? 0 : 65 - (v < 0 ? ~v : v).leadingZeroBitCount }.max() ?? 0
                w.write((1 << parameterBits) - 1, parameterBits); w.write(width, 5)
                for v in part { w.signed(v, width) }
                continue
            }
            let folded = part.map { UInt64(bitPattern: $0 >= 0 ? $0 << 1 : ~($0 << 1)) }
            let mean = folded.isEmpty ? 0 : folded.reduce(0, +) / UInt64(folded.count)
            let k = spec.parameter ?? min(64 - mean.leadingZeroBitCount, (1 << parameterBits) - 2)
            w.write(k, parameterBits)
            for u in folded { w.unary(Int(u >> UInt64(k))); w.write(u & ((1 << UInt64(k)) - 1), k) }
        }
    }
}


@Suite struct FLACDecoderTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/flac")

    /// A smooth signal plus noise in [-2^(bits-1), 2^(bits-1)), `n` samples.
    static func signal(_ n: Int, bits: Int, seed: UInt64, wasted: Int = 0) -> [Int64] {
        var rng = SplitMix64(state: seed)
        let amplitude = Double(Int64(1) << (bits - 1) - 1)
        return (0..<n).map { i in
            let x = 0.6 * sin(Double(i) * 0.07 + Double(seed)) + 0.3 * sin(Double(i) * 0.9)
            var v = Int64(x * amplitude) + Int64.random(in: -3...3, using: &rng)
            v = min(max(v, -Int64(amplitude) - 1), Int64(amplitude))
            return (v >> Int64(wasted)) << Int64(wasted)
        }
    }

    func decodeIntegers(_ bytes: [UInt8], path: String = "test.flac") throws(AudioError) -> (FLACStreamInfo, [Int32]) {
        try FLACDecoder.decodeIntegers(bytes, path: path)
    }

    func interleave(_ channels: [[Int64]]) -> [Int32] {
        (0..<channels[0].count).flatMap { i in channels.map { Int32(truncatingIfNeeded: $0[i]) } }
    }

    /// A one-frame stream of `channels` with an MD5.
    func oneFrame(_ channels: [[Int64]], bits: Int, rate: Int = 16000, assignment: Int? = nil,
                  subframes: [FLACFile.Subframe], sizeCode: Int? = nil, rateCode: Int? = nil,
                  depthCode: Int? = nil) -> [UInt8] {
        FLACFile.stream(rate: rate, channels: channels.count, bits: bits, total: channels[0].count,
                        md5: FLACFile.md5(channels, bits: bits),
                        frames: [FLACFile.frame(channels, bits: bits, rate: rate, number: 0, assignment: assignment,
                                                subframes: subframes, sizeCode: sizeCode, rateCode: rateCode,
                                                depthCode: depthCode)])
    }

    // MARK: building blocks

    /// RFC 1321 Appendix A.5 test suite, plus a message fed in uneven pieces.
    @Test func md5MatchesRFC1321() {
        let suite: [(String, String)] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
        ]
        for (message, digest) in suite { #expect(MD5.hex(MD5.digest(Array(message.utf8))) == digest, "\(message)") }
        let million = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(MD5.hex(MD5.digest(million)) == "7707d6ae4e027c70eea2a935c2296f21")
        var md5 = MD5(), offset = 0, step = 1
        while offset < million.count {
            let end = min(million.count, offset + step)
            million[offset..<end].withUnsafeBytes { md5.update($0) }
            offset = end
            step = step * 3 % 251 + 1
        }
        #expect(MD5.hex(md5.finalize()) == "7707d6ae4e027c70eea2a935c2296f21")
        for length in 50...130 {              // every padding case around one and two blocks
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            var pieces = MD5()
            bytes[..<(length / 3)].withUnsafeBytes { pieces.update($0) }
            bytes[(length / 3)...].withUnsafeBytes { pieces.update($0) }
            #expect(pieces.finalize() == MD5.digest(bytes))
        }
    }

    /// The CRC check values ("123456789") of CRC-8/SMBUS and CRC-16/UMTS, FLAC's two CRCs.
    @Test func crcCheckValues() {
        let check = Array("123456789".utf8)
        check.withUnsafeBytes { raw in
            #expect(FLACCRC.crc8(raw) == 0xF4)
            #expect(FLACCRC.crc16(raw) == 0xFEE8)
            #expect(FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[4...]),
                                  crc: FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[..<4]))) == 0xFEE8)
        }
        #expect(FLACChecksums.crc8(check) == 0xF4 && FLACChecksums.crc16(check) == 0xFEE8)
        // The 8-bytes-a-step CRC-16 agrees with the bitwise one at every length and alignment.
        var rng = SplitMix64(state: 16)
        let bytes = (0..<300).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        bytes.withUnsafeBytes { raw in
            for start in 0..<9 {
                for end in stride(from: start, through: 300, by: 7) {
                    #expect(FLACCRC.crc16(UnsafeRawBufferPointer(rebasing: raw[start..<end])) == Int(FLACChecksums.crc16(bytes[start..<end])))
                }
            }
        }
    }

    @Test func bitReaderReadsFieldsAcrossWordsAndStopsAtTheEnd() throws {
        var w = BitWriter()
        var rng = SplitMix64(state: 7)
        var fields: [(UInt64, Int, Bool)] = []     // value, width, unary?
        for _ in 0..<400 {
            if Bool.random(using: &rng) {
                let zeros = Int.random(in: 0...150, using: &rng)
                w.unary(zeros); fields.append((UInt64(zeros), 0, true))
            } else {
                let width = Int.random(in: 0...64, using: &rng)
                let value = width == 0 ? 0 : rng.next() >> UInt64(64 - width)
                w.write(value, width); fields.append((value, width, false))
            }
        }
        try w.bytes.withUnsafeBytes { raw throws in
            var r = BitReader(raw)
            for (value, width, isUnary) in fields {
                if isUnary { #expect(try r.readUnary() == Int(value)) } else { #expect(try r.readLong(width) == value) }
            }
            #expect(r.bitPosition == w.bits)
            r.alignToByte()
            #expect(r.byteOffset == w.bytes.count)
            #expect(throws: BitReader.Overrun.self) { try r.read(1) }
            #expect(throws: BitReader.Overrun.self) { try r.readUnary() }
        }
        let bytes: [UInt8] = [0b1011_0000, 0x00, 0x00]
        try bytes.withUnsafeBytes { raw throws in
            var r = BitReader(raw)
            #expect(try r.readSigned(3) == -3)
            #expect(try r.readSigned(2) == -2)
            #expect(throws: BitReader.Overrun.self) { try r.readUnary() }       // 19 zeros, no one bit
            var s = BitReader(raw, byteOffset: 1)
            #expect(try s.read(16) == 0)
            #expect(throws: BitReader.Overrun.self) { try s.read(1) }
        }
        try [UInt8]().withUnsafeBytes { raw throws in
            var r = BitReader(raw)
            #expect(try r.read(0) == 0)
            #expect(throws: BitReader.Overrun.self) { try r.read(1) }
        }
    }

    // MARK: reference vectors

    struct Vector { var name: String; var bits: Int; var channels: Int; var rate: Int }

    static func index(_ directory: URL) throws -> [Vector] {
        try String(contentsOf: directory.appendingPathComponent("index.tsv"), encoding: .utf8)
            .split(separator: "\n").map { line in
                let f = line.split(separator: "\t").map(String.init)
                return Vector(name: f[0], bits: Int(f[1])!, channels: Int(f[2])!, rate: Int(f[3])!)
            }
    }

    /// Whether `NAME.flac` decodes to exactly the samples of `NAME.s32` (left-justified s32le).
    static func check(_ vector: Vector, in directory: URL) throws -> Bool {
        let bytes = try Data(contentsOf: directory.appendingPathComponent(vector.name + ".flac"))
        let reference = try Data(contentsOf: directory.appendingPathComponent(vector.name + ".s32"))
        let expected = reference.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
        let (info, samples) = try FLACDecoder.decodeIntegers(bytes, path: vector.name)
        #expect(info.bitsPerSample == vector.bits && info.channels == vector.channels && info.sampleRate == vector.rate)
        #expect(info.md5.contains { $0 != 0 }, "\(vector.name) has no MD5 to verify")
        let shift = Int32(32 - vector.bits)
        return samples.count == expected.count && zip(samples, expected).allSatisfy { $0 << shift == $1 }
    }

    /// The committed vectors (Scripts/audio-vectors/make_flac_vectors.sh --tiny) decode bit for bit
    /// as ffmpeg (flac -d for 32-bit) does, with their MD5 verified; the float output is the
    /// integers scaled by 2^-(bits - 1).
    @Test func committedVectorsAreBitExact() throws {
        let vectors = try Self.index(Self.vectors)
        #expect(vectors.count >= 10)
        for vector in vectors {
            #expect(try Self.check(vector, in: Self.vectors), "\(vector.name)")
            let bytes = try Data(contentsOf: Self.vectors.appendingPathComponent(vector.name + ".flac"))
            let audio = try AudioDecoder.decode(bytes, path: vector.name)
            let (_, integers) = try FLACDecoder.decodeIntegers(bytes, path: vector.name)
            let scale = Float(sign: .plus, exponent: -(vector.bits - 1), significand: 1)
            #expect(audio.samples == integers.map { min(Float($0) * scale, 0x1.fffffep-1) }, "\(vector.name)")
            #expect(audio.sampleRate == vector.rate && audio.channels == vector.channels)
        }
    }

    /// The full generated set, when `FLAC_VECTOR_DIR` names one made by the script.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FLAC_VECTOR_DIR"] != nil,
                   "set FLAC_VECTOR_DIR to a directory made by Scripts/audio-vectors/make_flac_vectors.sh"))
    func generatedVectorsAreBitExact() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FLAC_VECTOR_DIR"]!)
        let vectors = try Self.index(directory)
        var exact = 0, failed: [String] = []
        for vector in vectors {
            do {
                if try Self.check(vector, in: directory) { exact += 1 } else { failed.append(vector.name) }
            } catch {
                failed.append("\(vector.name): \(error)")
            }
        }
        print("FLAC vectors: \(exact) of \(vectors.count) bit-exact")
        #expect(failed.isEmpty, "\(failed)")
    }

    // MARK: hand-built streams

    @Test func subframeTypesAndResidualCodings() throws {
        let n = 512, bits = 16
        let x = Self.signal(n, bits: bits, seed: 1)
        var cases: [FLACFile.Subframe] = [.init(.constant), .init(.verbatim)]
        for order in 0...4 {
            cases.append(.init(.fixed(order)))
            cases.append(.init(.fixed(order), method: 1, partitionOrder: 3))
            cases.append(.init(.fixed(order), partitionOrder: 5, escape: true))
        }
        cases.append(.init(.fixed(2), method: 1, parameter: 20))        // a 5-bit parameter over 14
        cases.append(.init(.fixed(2), parameter: 0))                    // long unary runs
        for order in [1, 2, 8, 12, 31, 32] {
            let c = (0..<order).map { (j: Int) -> Int64 in j == 0 ? 1024 : Int64(j % 3 - 1) }
            cases.append(.init(.lpc(c, precision: 12, shift: 10)))
            cases.append(.init(.lpc(c, precision: 15, shift: 10), method: 1, partitionOrder: 4))
            cases.append(.init(.lpc(c, precision: 12, shift: 10), partitionOrder: 2, escape: true))
        }
        cases.append(.init(.lpc([-1], precision: 1, shift: 0)))        // precision 1: the only coefficient is -1
        cases.append(.init(.lpc([3, -1], precision: 3, shift: 1), partitionOrder: 0))
        for spec in cases {
            let signal: [Int64] = if case .constant = spec.kind { [Int64](repeating: -1234, count: n) } else { x }
            let bytes = oneFrame([signal], bits: bits, subframes: [spec])
            let (info, samples) = try decodeIntegers(bytes)
            #expect(samples == interleave([signal]), "\(spec.kind) method \(spec.method) order \(spec.partitionOrder)")
            #expect(info.totalSamples == UInt64(n))
        }
    }

    /// Wasted bits, including the most a subframe can have, on every subframe type.
    @Test func wastedBits() throws {
        for (bits, wasted) in [(16, 1), (16, 4), (16, 15), (24, 8), (8, 7), (32, 31), (32, 3)] {
            let x = Self.signal(300, bits: bits, seed: UInt64(bits * wasted), wasted: wasted)
            for kind in [FLACFile.Subframe.Kind.verbatim, .fixed(2), .lpc([2, -1], precision: 4, shift: 0)] {
                let bytes = oneFrame([x], bits: bits, subframes: [.init(kind, wasted: wasted)])
                #expect(try decodeIntegers(bytes).1 == interleave([x]), "\(bits) bits, \(wasted) wasted, \(kind)")
            }
            let constant = [Int64](repeating: Int64(-1) << Int64(wasted), count: 300)
            #expect(try decodeIntegers(oneFrame([constant], bits: bits, subframes: [.init(.constant, wasted: wasted)])).1
                    == interleave([constant]))
        }
    }

    /// Every bit depth 4–32, with the header's table code or "see STREAMINFO", and all four
    /// channel assignments with odd and extreme samples (the mid/side lowest-bit rule, the
    /// 33-bit side channel of 32-bit audio).
    @Test func bitDepthsAndChannelAssignments() throws {
        for bits in 4...32 {
            let n = 200
            var left = Self.signal(n, bits: bits, seed: UInt64(bits)), right = Self.signal(n, bits: bits, seed: UInt64(bits + 100))
            let top = Int64(1) << Int64(bits - 1)
            left[0] = top - 1; right[0] = -top           // side = 2^bits - 1: needs bits + 1
            left[1] = -top; right[1] = top - 1
            left[2] = 3; right[2] = -2                   // odd sum: the side's low bit restores mid
            for assignment in [1, 8, 9, 10] {
                let codes = FLACFile.depthCodes[bits].map { [$0, 0] } ?? [0]
                for depthCode in codes {
                    // Fixed order 1 keeps residuals within 32 bits up to 29-bit audio.
                    let second = FLACFile.Subframe(bits <= 29 ? .fixed(1) : .verbatim, method: 1)
                    let bytes = oneFrame([left, right], bits: bits, assignment: assignment,
                                         subframes: [.init(.verbatim), second], depthCode: depthCode)
                    let (info, samples) = try decodeIntegers(bytes)
                    #expect(info.bitsPerSample == bits)
                    #expect(samples == interleave([left, right]), "\(bits) bits, assignment \(assignment), code \(depthCode)")
                }
            }
        }
        // Up to eight independent channels.
        for channels in 1...8 {
            let data = (0..<channels).map { Self.signal(64, bits: 16, seed: UInt64(50 + $0)) }
            let bytes = oneFrame(data, bits: 16, subframes: Array(repeating: .init(.fixed(3), partitionOrder: 2), count: channels))
            #expect(try decodeIntegers(bytes).1 == interleave(data))
        }
    }

    /// Every block size code (common sizes, 8- and 16-bit uncommon sizes) and every sample rate
    /// code (table, STREAMINFO, kHz, Hz and tens of Hz).
    @Test func blockSizeAndSampleRateCodes() throws {
        let sizes = [192, 576, 1152, 2304, 4608, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 1, 16, 100, 255, 256, 257,
                     1000, 4097, 65535]
        for size in sizes {
            let x = Self.signal(size, bits: 16, seed: UInt64(size))
            let forced = size == 256 ? 6 : nil      // 256 also as an 8-bit uncommon size
            let bytes = oneFrame([x], bits: 16, subframes: [.init(.fixed(min(2, size)))], sizeCode: forced)
            #expect(try decodeIntegers(bytes).1 == interleave([x]), "block size \(size)")
        }
        let rates: [(Int, Int?)] = [(88200, 1), (176_400, 2), (192_000, 3), (8000, 4), (16000, 5), (22050, 6), (24000, 7),
                                    (32000, 8), (44100, 9), (48000, 10), (96000, 11), (11000, 12), (255_000, 12),
                                    (11025, 13), (65535, 13), (37800, 14), (655_350, 14), (12345, 0), (4000, 13)]
        for (rate, code) in rates {
            let x = Self.signal(64, bits: 16, seed: 3)
            let bytes = oneFrame([x], bits: 16, rate: rate, subframes: [.init(.verbatim)], rateCode: code)
            let audio = try FLACDecoder.decode(bytes, path: "rate.flac")
            #expect(audio.sampleRate == rate && audio.samples == x.map { Float($0) / 32768 }, "rate \(rate)")
        }
    }

    /// A variable-block-size stream (sample numbers in the headers, block sizes changing) with
    /// every metadata block type before the frames and an ID3v2 tag before "fLaC".
    @Test func variableBlockSizeStreamWithMetadataAndID3() throws {
        let sizes = [1152, 192, 4608, 17, 1000, 576, 300, 33]
        let left = Self.signal(sizes.reduce(0, +), bits: 24, seed: 9), right = Self.signal(left.count, bits: 24, seed: 10)
        var frames: [[UInt8]] = [], start = 0
        for (i, size) in sizes.enumerated() {
            let l = Array(left[start..<(start + size)]), r = Array(right[start..<(start + size)])
            frames.append(FLACFile.frame([l, r], bits: 24, rate: 48000, number: UInt64(start), variable: true,
                                         assignment: [1, 8, 9, 10][i % 4],
                                         subframes: [.init(.fixed(min(4, size))), .init(.lpc([2, -1], precision: 5, shift: 0))]))
            start += size
        }
        let metadata: [(Int, [UInt8])] = [
            (1, [UInt8](repeating: 0, count: 100)),                                    // PADDING
            (2, Array("mood".utf8) + [1, 2, 3]),                                       // APPLICATION
            (3, [UInt8](repeating: 0xFF, count: 18)),                                  // SEEKTABLE (placeholder)
            (4, [6, 0, 0, 0] + Array("vendor".utf8) + [0, 0, 0, 0]),                   // VORBIS_COMMENT
            (5, [UInt8](repeating: 0, count: 396)),                                    // CUESHEET
            (6, [UInt8](repeating: 0, count: 32)),                                     // PICTURE
            (42, [1, 2, 3]),                                                            // reserved
        ]
        let stream = FLACFile.stream(rate: 48000, channels: 2, bits: 24, total: left.count,
                                     md5: FLACFile.md5([left, right], bits: 24), metadata: metadata, frames: frames)
        #expect(try decodeIntegers(stream).1 == interleave([left, right]))
        let tagged = AudioFormatTests.id3(size: 300) + AudioFormatTests.id3(size: 20, footer: true) + stream
        let audio = try AudioDecoder.decode(tagged, path: "tagged.flac")
        #expect(audio.channels == 2 && audio.sampleRate == 48000 && audio.frames == left.count)
        #expect(audio.samples == interleave([left, right]).map { Float($0) / 8_388_608 })
        // Unknown length and no MD5 (streamed encoders write zeros) decode too.
        let unknown = FLACFile.stream(rate: 48000, channels: 2, bits: 24, total: 0, md5: [UInt8](repeating: 0, count: 16),
                                      frames: frames)
        #expect(try decodeIntegers(unknown).1 == interleave([left, right]))
        // A trailing ID3v1 tag is ignored; so is anything after the declared length.
        #expect(try decodeIntegers(unknown + Array("TAG".utf8) + [UInt8](repeating: 0x20, count: 125)).1.count == 2 * left.count)
        #expect(try decodeIntegers(stream + Array("junk".utf8)).1.count == 2 * left.count)
    }

    /// 32-bit audio at full scale: integers exact, floats just below 1.
    @Test func fullScale32Bit() throws {
        let x: [Int64] = [Int64(Int32.max), Int64(Int32.min), 0, 1, -1, 1 << 30]
        let bytes = oneFrame([x, x.reversed()], bits: 32, assignment: 10, subframes: [.init(.verbatim), .init(.verbatim)])
        #expect(try decodeIntegers(bytes).1 == interleave([x, x.reversed()]))
        let audio = try FLACDecoder.decode(bytes, path: "full.flac")
        #expect(audio.samples.allSatisfy { $0 >= -1 && $0 < 1 } && audio.samples[0] == 0x1.fffffep-1 && audio.samples[2] == -1)
    }

    // MARK: errors

    /// Two frames of 256 samples each, no MD5 unless given.
    func twoFrames(md5: [UInt8]? = nil, samples: [Int64]? = nil) -> (bytes: [UInt8], frames: [[UInt8]], x: [Int64]) {
        let x = samples ?? Self.signal(512, bits: 16, seed: 77)
        let frames = (0..<2).map { i in
            FLACFile.frame([Array(x[(256 * i)..<(256 * i + 256)])], bits: 16, rate: 16000, number: UInt64(i),
                           subframes: [.init(.lpc([2, -1], precision: 4, shift: 0), partitionOrder: 2)])
        }
        let bytes = FLACFile.stream(rate: 16000, channels: 1, bits: 16, total: 512,
                                    md5: md5 ?? FLACFile.md5([x], bits: 16), frames: frames)
        return (bytes, frames, x)
    }

    @Test func corruptedBytesAreCRCErrors() throws {
        let (bytes, frames, _) = twoFrames()
        let second = bytes.count - frames[1].count, first = second - frames[0].count
        #expect(try decodeIntegers(bytes).1.count == 512)
        // A byte inside each frame's body, and inside each frame's header.
        for (frame, start, length) in [(0, first, frames[0].count), (1, second, frames[1].count)] {
            for (at, checksum) in [(start + length / 2, "frame CRC-16"), (start + 4, "header CRC-8"), (start + length - 1, "frame CRC-16")] {
                var damaged = bytes
                damaged[at] ^= 0x10
                #expect(throws: AudioError.checksumMismatch(path: "x.flac", frame: frame, offset: start, checksum: checksum)) {
                    try FLACDecoder.decode(damaged, path: "x.flac")
                }
            }
        }
        let error = AudioError.checksumMismatch(path: "x.flac", frame: 1, offset: 700, checksum: "frame CRC-16")
        #expect(error.description == "x.flac is damaged: the frame CRC-16 of FLAC frame 1 (at byte 700) does not match")
        // Every single-bit error in the frames is caught, nearly always as a CRC mismatch
        // (a damaged sync code is "no frame sync"; a damaged last frame may read as cut short).
        var crc = 0, other = 0
        for at in first..<bytes.count {
            var damaged = bytes
            damaged[at] ^= 1 << UInt8(at % 8)
            do {
                _ = try FLACDecoder.decode(damaged, path: "x.flac")
                Issue.record("a flipped bit at byte \(at) decoded")
            } catch {
                if case .checksumMismatch = error { crc += 1 } else { other += 1 }
            }
        }
        #expect(crc > 20 * other, "\(crc) CRC errors, \(other) others")
    }

    /// A sample changed and every CRC recomputed: only the MD5 can tell, when it is asked for
    /// (off by default, as in libFLAC and ffmpeg).
    @Test func changedSampleIsAnMD5Mismatch() throws {
        var changed = Self.signal(512, bits: 16, seed: 77)
        let original = changed
        changed[300] += 1
        let expected = FLACFile.md5([original], bits: 16), actual = FLACFile.md5([changed], bits: 16)
        let (bytes, _, _) = twoFrames(md5: expected, samples: changed)
        #expect(throws: AudioError.md5Mismatch(path: "x.flac", expected: MD5.hex(expected), actual: MD5.hex(actual))) {
            try FLACDecoder.decode(bytes, path: "x.flac", verifyMD5: true)
        }
        #expect(try FLACDecoder.decode(bytes, path: "x.flac").frames == changed.count)
        let scratch = try AudioStreamTests.Scratch(), path = try scratch.write(bytes, "x.flac")
        #expect(throws: AudioStreamError.audio(.md5Mismatch(path: path, expected: MD5.hex(expected), actual: MD5.hex(actual)))) {
            let stream = try AudioStream(path: path, ffmpeg: nil, verifyMD5: true)
            while try stream.next() != nil {}
        }
        #expect(try decodeIntegers(twoFrames(samples: changed).bytes).1 == interleave([changed]))
        #expect(AudioError.md5Mismatch(path: "a.flac", expected: "00", actual: "11").description
                == "a.flac is damaged: the decoded audio has MD5 11 but the file records 00")
    }

    @Test func malformedStreamsGiveTypedErrors() throws {
        let p = "bad.flac"
        func expectError(_ bytes: [UInt8], _ error: AudioError, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: error, sourceLocation: sourceLocation) { try FLACDecoder.decode(bytes, path: p) }
            #expect(error.description.contains(p), sourceLocation: sourceLocation)
        }
        func malformed(_ reason: String) -> AudioError { .malformedFLAC(path: p, reason: reason) }
        let x = Self.signal(64, bits: 16, seed: 5)
        let info = FLACFile.streamInfo(rate: 16000, channels: 1, bits: 16, total: 0, md5: [UInt8](repeating: 0, count: 16))
        expectError(Array("RIFF....WAVE".utf8), .notFLAC(path: p))
        expectError(Array("fLa".utf8), .notFLAC(path: p))
        expectError(Array("fLaC".utf8), malformed("the file ends before the STREAMINFO block"))
        expectError(Array("fLaC".utf8) + FLACFile.block(1, [0, 0], last: true), malformed("the first metadata block is PADDING, not STREAMINFO"))
        expectError(Array("fLaC".utf8) + FLACFile.block(0, Array(info.prefix(20))), malformed("the STREAMINFO block is 20 bytes; 34 are needed"))
        expectError(Array("fLaC".utf8) + FLACFile.block(0, info) + [0x04, 0, 1, 0],
                    malformed("the file ends inside the VORBIS_COMMENT metadata block"))
        expectError(Array("fLaC".utf8) + FLACFile.block(0, info) + FLACFile.block(127, [], last: true),
                    malformed("metadata block type 127 is invalid"))
        expectError(Array("fLaC".utf8) + FLACFile.block(0, info) + FLACFile.block(0, info, last: true),
                    malformed("there is a second STREAMINFO block"))
        expectError(Array("fLaC".utf8) + FLACFile.block(0, FLACFile.streamInfo(rate: 0, channels: 1, bits: 16, total: 0,
                                                                                md5: [UInt8](repeating: 0, count: 16)), last: true),
                    .unsupportedSampleRate(path: p, rate: 0, range: SampleGuard.sampleRates))
        expectError(Array("fLaC".utf8) + FLACFile.block(0, FLACFile.streamInfo(rate: 8000, channels: 1, bits: 3, total: 0,
                                                                                md5: [UInt8](repeating: 0, count: 16)), last: true),
                    malformed("STREAMINFO gives 3 bits per sample; FLAC allows 4 to 32"))
        let good = oneFrame([x], bits: 16, subframes: [.init(.fixed(1))])
        let frameStart = 42
        let unknownLength = FLACFile.stream(rate: 16000, channels: 1, bits: 16, total: 0, md5: [UInt8](repeating: 0, count: 16),
                                            frames: [FLACFile.frame([x], bits: 16, rate: 16000, number: 0, subframes: [.init(.fixed(1))])])
        expectError(unknownLength + [0x12],
                    malformed("there is no frame sync code at byte \(unknownLength.count), where frame 1 should start"))
        // Header fields that disagree with STREAMINFO or use reserved codes (CRCs valid).
        let stereo = FLACFile.frame([x, x], bits: 16, rate: 16000, number: 0, subframes: [.init(.verbatim), .init(.verbatim)])
        let name = "frame 0 (at byte \(frameStart))"
        let streamHead = Array(good.prefix(frameStart))
        expectError(streamHead + stereo, malformed("\(name) has 2 channels but STREAMINFO gives 1"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 44100, number: 0, subframes: [.init(.verbatim)]),
                    malformed("\(name) has a sample rate of 44100 Hz but STREAMINFO gives 16000 Hz"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0, subframes: [.init(.verbatim)], depthCode: 6),
                    malformed("\(name) has 24-bit samples but STREAMINFO gives 16"))
        for (code, reason) in [(0, "uses the reserved block size code 0")] {
            expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0, subframes: [.init(.verbatim)], sizeCode: code),
                        malformed("\(name) \(reason)"))
        }
        expectError(streamHead + FLACFile.frame([[Int64](repeating: 5, count: 65536)], bits: 16, rate: 16000, number: 0,
                                                subframes: [.init(.constant)], sizeCode: 7),
                    malformed("\(name) has a block size of 65536; at most 65535 is allowed"))
        for lead: UInt8 in [0xFF, 0x80, 0xBF] {                          // not the first byte of a coded number
            var frame = FLACFile.frame([x], bits: 16, rate: 16000, number: 0, subframes: [.init(.verbatim)])
            frame[4] = lead
            expectError(streamHead + frame, malformed("\(name) has an invalid coded frame or sample number"))
        }
        var badContinuation = FLACFile.frame([x], bits: 16, rate: 16000, number: 300, subframes: [.init(.verbatim)])
        badContinuation[5] = 0x40
        expectError(streamHead + badContinuation, malformed("\(name) has an invalid coded frame or sample number"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0, subframes: [.init(.verbatim)], rateCode: 15),
                    malformed("\(name) uses the invalid sample rate code 15"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0, subframes: [.init(.verbatim)], depthCode: 3),
                    malformed("\(name) uses the reserved bit depth code 3"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0, assignment: 11, subframes: [.init(.verbatim)]),
                    malformed("\(name) uses the reserved channel assignment 11"))
        // Subframe problems in a frame whose CRC-16 is right stand as what they are.
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0,
                                                subframes: [.init(.lpc([1], precision: 16, shift: 0))]),
                    malformed("\(name): the LPC coefficient precision code 15 is invalid"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0,
                                                subframes: [.init(.lpc([1], precision: 4, shift: -2))]),
                    malformed("\(name): the LPC shift is negative (-2)"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0,
                                                subframes: [.init(.fixed(2), partitionOrder: 6)]),
                    malformed("\(name): residual partition order 6 leaves fewer than 2 samples for the warm-up"))
        expectError(streamHead + FLACFile.frame(Array(repeating: Array(x.prefix(63)), count: 1), bits: 16, rate: 16000, number: 0,
                                                subframes: [.init(.fixed(0), partitionOrder: 1)]),
                    malformed("\(name): a block of 63 samples cannot be split into 2 residual partitions"))
        expectError(streamHead + FLACFile.frame([x], bits: 16, rate: 16000, number: 0, subframes: [.init(.verbatim, wasted: 16)]),
                    malformed("\(name): a subframe has 16 wasted bits of 16"))
        // A predictor that runs past 16 bits: a valid structure and CRCs, impossible samples.
        let ramp = (0..<64).map { Int64($0) * 30000 }
        expectError(streamHead + FLACFile.frame([ramp], bits: 16, rate: 16000, number: 0,
                                                subframes: [.init(.fixed(1), escape: true)]),
                    malformed("\(name) decodes to samples outside the 16-bit range"))
        // The declared length is longer than the frames.
        let short = FLACFile.stream(rate: 16000, channels: 1, bits: 16, total: 100, md5: [UInt8](repeating: 0, count: 16),
                                    frames: [FLACFile.frame([Array(x.prefix(50))], bits: 16, rate: 16000, number: 0,
                                                            subframes: [.init(.verbatim)])])
        expectError(short, malformed("the file ends after 50 of the 100 samples STREAMINFO declares"))
        // The sample limit.
        #expect(throws: AudioError.decodedTooLarge(path: p, limit: 63)) { try FLACDecoder.decode(good, path: p, maxSamples: 63) }
        #expect(try FLACDecoder.decode(good, path: p, maxSamples: 64).frames == 64)
        #expect(AudioError.decodedTooLarge(path: p, limit: 63).description == "bad.flac is too long: it decodes to more than 63 samples")
    }

    /// Every prefix of small files, and 2000 seeded byte mutations, end in audio or a typed
    /// error: no crash, no hang. A strict prefix never decodes (the length and MD5 are known).
    @Test func truncationsAndMutationsNeverCrash() throws {
        var seeds = [twoFrames().bytes]
        for name in ["mono8k-4bit-lax", "mono8k-8bit-l0", "mono16k-variable", "surround48k-l5", "stereo16k-32bit-l8"] {
            seeds.append(Array(try Data(contentsOf: Self.vectors.appendingPathComponent(name + ".flac"))))
        }
        var decoded = 0, failed = 0
        func attempt(_ bytes: [UInt8]) -> Bool {
            do {
                let audio = try AudioDecoder.decode(bytes, path: "fuzz.flac", ffmpeg: nil)
                #expect((1...8).contains(audio.channels) && audio.sampleRate > 0)
                #expect(audio.samples.count == audio.frames * audio.channels)
                #expect(audio.samples.allSatisfy { $0 >= -1 && $0 < 1 })
                decoded += 1
                return true
            } catch {
                #expect(!error.description.isEmpty)
                failed += 1
                return false
            }
        }
        for seed in seeds.prefix(3) {
            for length in 0..<seed.count { #expect(!attempt(Array(seed.prefix(length))), "prefix \(length) decoded") }
            #expect(attempt(seed))
        }
        var rng = SplitMix64(state: 0xF1AC)
        for i in 0..<2000 {
            var bytes = seeds[i % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                // Mostly the metadata and the first frame header, where the structure is.
                let index = Int.random(in: 0..<(Bool.random(using: &rng) ? min(64, bytes.count) : bytes.count), using: &rng)
                bytes[index] = Bool.random(using: &rng) ? .random(in: .min ... .max, using: &rng)
                                                        : bytes[index] ^ (1 << UInt8.random(in: 0...7, using: &rng))
            }
            if i % 7 == 0 { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) }
            _ = attempt(bytes)
        }
        #expect(decoded > 0 && failed > 1000)
    }

    /// Decode speed of the file `FLAC_BENCH_FILE` (best of 5), printed.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FLAC_BENCH_FILE"] != nil, "set FLAC_BENCH_FILE to time a decode"))
    func throughput() throws {
        let path = ProcessInfo.processInfo.environment["FLAC_BENCH_FILE"]!
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        var best = Double.infinity, frames = 0
        for _ in 0..<5 {
            let start = Date()
            frames = try FLACDecoder.decode(bytes, path: path).frames
            best = min(best, Date().timeIntervalSince(start))
        }
        print("FLAC decode of \(path): \(frames) frames in \(String(format: "%.1f", best * 1000)) ms")
    }

    @Test func audioDecoderReadsFLACFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mood-flac-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("clip.wav")                     // the name does not matter
        try Data(contentsOf: Self.vectors.appendingPathComponent("stereo44k-l5-ms.flac")).write(to: url)
        let audio = try AudioDecoder.decode(path: url.path)
        #expect(audio.sampleRate == 44100 && audio.channels == 2 && audio.frames == 2205)
    }
}
