import Foundation

/// MD5 message digest, streaming. ref: RFC 1321 §3 (padding, length, 64-byte blocks, four
/// rounds of 16 operations). Used to check FLAC's STREAMINFO signature of the unencoded audio
/// (RFC 9639 §8.2); not for anything that needs collision resistance.
struct MD5 {
    /// The words A, B, C, D (RFC 1321 §3.3), little-endian in the digest.
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
    /// Bytes waiting for a whole 64-byte block.
    private var pending = [UInt8](repeating: 0, count: 64)
    private var pendingCount = 0
    /// Message length in bytes so far.
    private var length: UInt64 = 0

    init() {}

    /// The digest of `bytes`.
    static func digest(_ bytes: some ContiguousBytes) -> [UInt8] {
        var md5 = MD5()
        bytes.withUnsafeBytes { md5.update($0) }
        return md5.finalize()
    }

    /// Lower-case hexadecimal, as `md5sum` prints digests.
    static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if pendingCount > 0 {
            let take = min(64 - pendingCount, bytes.count)
            pending.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: pendingCount).copyMemory(from: base, byteCount: take) }
            pendingCount += take
            offset = take
            guard pendingCount == 64 else { return }
            pending.withUnsafeBytes { compress($0.baseAddress!) }
            pendingCount = 0
        }
        while bytes.count - offset >= 64 {
            compress(base + offset)
            offset += 64
        }
        let rest = bytes.count - offset
        if rest > 0 {
            pending.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: base + offset, byteCount: rest) }
            pendingCount = rest
        }
    }

    /// The 16-byte digest: the message padded with 0x80, zeros to 56 mod 64 and the bit length
    /// as a little-endian 64-bit number (RFC 1321 §3.1, §3.2), then A, B, C, D little-endian (§3.5).
    func finalize() -> [UInt8] {
        var copy = self
        let bits = length &* 8
        var tail: [UInt8] = [0x80] + [UInt8](repeating: 0, count: (55 - pendingCount + 64) % 64)
        tail += (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
        tail.withUnsafeBytes { copy.update($0) }
        let words = [copy.state.0, copy.state.1, copy.state.2, copy.state.3]
        return words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
    }

    /// One operation of each round (RFC 1321 §3.4): a = b + ((a + f(b, c, d) + X[k] + T[i]) <<< s),
    /// the sum of the terms that do not depend on b formed first (off the dependency chain).
    @inline(__always) private static func op(_ a: UInt32, _ b: UInt32, _ f: UInt32, _ x: UInt32, _ s: UInt32,
                                             _ t: UInt32) -> UInt32 {
        let v = (a &+ x &+ t) &+ f
        return b &+ (v << s | v >> (32 - s))
    }
    /// F as d ^ (b & (c ^ d)), equal to (b & c) | (~b & d) with one operation less after b.
    @inline(__always) private static func f(_ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { d ^ (b & (c ^ d)) }
    /// The G step: G = (b & d) | (c & ~d) = (b & d) + (c & ~d), its b-free half added early.
    @inline(__always) private static func opG(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ x: UInt32,
                                              _ s: UInt32, _ t: UInt32) -> UInt32 {
        let v = (a &+ x &+ t &+ (c & ~d)) &+ (b & d)
        return b &+ (v << s | v >> (32 - s))
    }
    @inline(__always) private static func h(_ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { b ^ c ^ d }
    @inline(__always) private static func i(_ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { c ^ (b | ~d) }

    /// One 64-byte block: rounds F, G, H, I of 16 operations over its little-endian words, with
    /// the constants T[1...64] = floor(2^32 · |sin(i)|) and the shifts of RFC 1321 §3.4.
    private mutating func compress(_ block: UnsafeRawPointer) {
        @inline(__always) func x(_ k: Int) -> UInt32 {
            UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))
        }
        var (a, b, c, d) = state
        // Round 1: F, words 0...15, shifts 7 12 17 22.
        a = Self.op(a, b, Self.f(b, c, d), x(0), 7, 0xD76A_A478); d = Self.op(d, a, Self.f(a, b, c), x(1), 12, 0xE8C7_B756)
        c = Self.op(c, d, Self.f(d, a, b), x(2), 17, 0x2420_70DB); b = Self.op(b, c, Self.f(c, d, a), x(3), 22, 0xC1BD_CEEE)
        a = Self.op(a, b, Self.f(b, c, d), x(4), 7, 0xF57C_0FAF); d = Self.op(d, a, Self.f(a, b, c), x(5), 12, 0x4787_C62A)
        c = Self.op(c, d, Self.f(d, a, b), x(6), 17, 0xA830_4613); b = Self.op(b, c, Self.f(c, d, a), x(7), 22, 0xFD46_9501)
        a = Self.op(a, b, Self.f(b, c, d), x(8), 7, 0x6980_98D8); d = Self.op(d, a, Self.f(a, b, c), x(9), 12, 0x8B44_F7AF)
        c = Self.op(c, d, Self.f(d, a, b), x(10), 17, 0xFFFF_5BB1); b = Self.op(b, c, Self.f(c, d, a), x(11), 22, 0x895C_D7BE)
        a = Self.op(a, b, Self.f(b, c, d), x(12), 7, 0x6B90_1122); d = Self.op(d, a, Self.f(a, b, c), x(13), 12, 0xFD98_7193)
        c = Self.op(c, d, Self.f(d, a, b), x(14), 17, 0xA679_438E); b = Self.op(b, c, Self.f(c, d, a), x(15), 22, 0x49B4_0821)
        // Round 2: G, words 5i + 1 (mod 16), shifts 5 9 14 20.
        a = Self.opG(a, b, c, d, x(1), 5, 0xF61E_2562); d = Self.opG(d, a, b, c, x(6), 9, 0xC040_B340)
        c = Self.opG(c, d, a, b, x(11), 14, 0x265E_5A51); b = Self.opG(b, c, d, a, x(0), 20, 0xE9B6_C7AA)
        a = Self.opG(a, b, c, d, x(5), 5, 0xD62F_105D); d = Self.opG(d, a, b, c, x(10), 9, 0x0244_1453)
        c = Self.opG(c, d, a, b, x(15), 14, 0xD8A1_E681); b = Self.opG(b, c, d, a, x(4), 20, 0xE7D3_FBC8)
        a = Self.opG(a, b, c, d, x(9), 5, 0x21E1_CDE6); d = Self.opG(d, a, b, c, x(14), 9, 0xC337_07D6)
        c = Self.opG(c, d, a, b, x(3), 14, 0xF4D5_0D87); b = Self.opG(b, c, d, a, x(8), 20, 0x455A_14ED)
        a = Self.opG(a, b, c, d, x(13), 5, 0xA9E3_E905); d = Self.opG(d, a, b, c, x(2), 9, 0xFCEF_A3F8)
        c = Self.opG(c, d, a, b, x(7), 14, 0x676F_02D9); b = Self.opG(b, c, d, a, x(12), 20, 0x8D2A_4C8A)
        // Round 3: H, words 3i + 5 (mod 16), shifts 4 11 16 23.
        a = Self.op(a, b, Self.h(b, c, d), x(5), 4, 0xFFFA_3942); d = Self.op(d, a, Self.h(a, b, c), x(8), 11, 0x8771_F681)
        c = Self.op(c, d, Self.h(d, a, b), x(11), 16, 0x6D9D_6122); b = Self.op(b, c, Self.h(c, d, a), x(14), 23, 0xFDE5_380C)
        a = Self.op(a, b, Self.h(b, c, d), x(1), 4, 0xA4BE_EA44); d = Self.op(d, a, Self.h(a, b, c), x(4), 11, 0x4BDE_CFA9)
        c = Self.op(c, d, Self.h(d, a, b), x(7), 16, 0xF6BB_4B60); b = Self.op(b, c, Self.h(c, d, a), x(10), 23, 0xBEBF_BC70)
        a = Self.op(a, b, Self.h(b, c, d), x(13), 4, 0x289B_7EC6); d = Self.op(d, a, Self.h(a, b, c), x(0), 11, 0xEAA1_27FA)
        c = Self.op(c, d, Self.h(d, a, b), x(3), 16, 0xD4EF_3085); b = Self.op(b, c, Self.h(c, d, a), x(6), 23, 0x0488_1D05)
        a = Self.op(a, b, Self.h(b, c, d), x(9), 4, 0xD9D4_D039); d = Self.op(d, a, Self.h(a, b, c), x(12), 11, 0xE6DB_99E5)
        c = Self.op(c, d, Self.h(d, a, b), x(15), 16, 0x1FA2_7CF8); b = Self.op(b, c, Self.h(c, d, a), x(2), 23, 0xC4AC_5665)
        // Round 4: I, words 7i (mod 16), shifts 6 10 15 21.
        a = Self.op(a, b, Self.i(b, c, d), x(0), 6, 0xF429_2244); d = Self.op(d, a, Self.i(a, b, c), x(7), 10, 0x432A_FF97)
        c = Self.op(c, d, Self.i(d, a, b), x(14), 15, 0xAB94_23A7); b = Self.op(b, c, Self.i(c, d, a), x(5), 21, 0xFC93_A039)
        a = Self.op(a, b, Self.i(b, c, d), x(12), 6, 0x655B_59C3); d = Self.op(d, a, Self.i(a, b, c), x(3), 10, 0x8F0C_CC92)
        c = Self.op(c, d, Self.i(d, a, b), x(10), 15, 0xFFEF_F47D); b = Self.op(b, c, Self.i(c, d, a), x(1), 21, 0x8584_5DD1)
        a = Self.op(a, b, Self.i(b, c, d), x(8), 6, 0x6FA8_7E4F); d = Self.op(d, a, Self.i(a, b, c), x(15), 10, 0xFE2C_E6E0)
        c = Self.op(c, d, Self.i(d, a, b), x(6), 15, 0xA301_4314); b = Self.op(b, c, Self.i(c, d, a), x(13), 21, 0x4E08_11A1)
        a = Self.op(a, b, Self.i(b, c, d), x(4), 6, 0xF753_7E82); d = Self.op(d, a, Self.i(a, b, c), x(11), 10, 0xBD3A_F235)
        c = Self.op(c, d, Self.i(d, a, b), x(2), 15, 0x2AD7_D2BB); b = Self.op(b, c, Self.i(c, d, a), x(9), 21, 0xEB86_D391)
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
