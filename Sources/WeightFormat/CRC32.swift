import _CCRC

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zlib's `crc32`.
///
/// Short inputs run eight bytes per step with slicing-by-8 tables (Intel's "Slicing-by-8", 2006).
/// From 64 bytes up (a weight file at load: 15 MB), on x86-64 with PCLMULQDQ the input is folded
/// by carry-less multiplication (`_CCRC`: 15 MB in 1.3 ms here, one table lane 18 ms); elsewhere four
/// independent table lanes run in one loop, so one lane's lookups overlap another's (~1.7× one
/// lane), joined with `combine` (zlib's `crc32_combine`). Every path gives the same CRC bit for bit.
public struct CRC32: Sendable {
    static let polynomial: UInt32 = 0xEDB8_8320
    /// Whether this CPU folds with carry-less multiplication.
    static let folds = mood_crc32_pclmul_available() != 0

    /// tables[k][b]: the CRC of byte b followed by k zero bytes.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? polynomial ^ (c >> 1) : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 { t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[Int(t[(k - 1) * 256 + i] & 0xFF)] }
        }
        return t
    }()

    /// x^(2^k) modulo the polynomial, k = 0..<32 (zlib crc32.c, x2n_table).
    private static let powers: [UInt32] = {
        var p: [UInt32] = [1 << 30]                      // x^1
        for k in 1..<32 { p.append(multiplyModP(p[k - 1], p[k - 1])) }
        return p
    }()

    public private(set) var value: UInt32 = 0

    public init() {}

    /// Extends the CRC over `bytes`, as if they followed everything given before.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 64, let base = bytes.baseAddress else { value = Self.serial(value, bytes); return }
        guard Self.folds else { value = Self.combine(value, Self.lanes(bytes), length: bytes.count); return }
        let head = bytes.count & ~15
        let register = mood_crc32_pclmul(~value, base, head)
        value = Self.serial(~register, UnsafeRawBufferPointer(rebasing: bytes[head...]))
    }

    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// The CRC of A followed by B, from crc(A), crc(B) and B's length. ref: zlib crc32.c, crc32_combine
    static func combine(_ first: UInt32, _ second: UInt32, length: Int) -> UInt32 {
        // crc(A‖B) = crc(A)·x^(8·|B|) + crc(B) (mod P); x^(8n) from the bits of n.
        var p: UInt32 = 1 << 31, n = length, k = 3        // x^0; 8 = 2^3
        while n > 0 {
            if n & 1 != 0 { p = multiplyModP(powers[k & 31], p) }
            n >>= 1
            k += 1
        }
        return multiplyModP(p, first) ^ second
    }

    /// a·b modulo the polynomial, bit-reflected. ref: zlib crc32.c, multmodp
    private static func multiplyModP(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var a = a, b = b, product: UInt32 = 0, m: UInt32 = 1 << 31
        while m != 0 {
            if a & m != 0 {
                product ^= b
                a ^= m
                if a == 0 { break }
            }
            m >>= 1
            b = b & 1 != 0 ? (b >> 1) ^ polynomial : b >> 1
        }
        return product
    }

    /// Four consecutive quarters (multiples of 8 bytes) in one loop, then the rest, joined
    /// (internal: the tests run it on CPUs that fold).
    static func lanes(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let lane = bytes.count / 32 * 8
        guard lane > 0 else { return serial(0, bytes) }
        var c0 = ~UInt32(0), c1 = c0, c2 = c0, c3 = c0
        tables.withUnsafeBufferPointer { t in
            var i = 0
            while i < lane {
                c0 = step(t, c0, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                c1 = step(t, c1, bytes.loadUnaligned(fromByteOffset: lane &+ i, as: UInt64.self))
                c2 = step(t, c2, bytes.loadUnaligned(fromByteOffset: 2 &* lane &+ i, as: UInt64.self))
                c3 = step(t, c3, bytes.loadUnaligned(fromByteOffset: 3 &* lane &+ i, as: UInt64.self))
                i &+= 8
            }
        }
        var crc = combine(~c0, ~c1, length: lane)
        crc = combine(crc, ~c2, length: lane)
        crc = combine(crc, ~c3, length: lane)
        return combine(crc, serial(0, UnsafeRawBufferPointer(rebasing: bytes[(4 * lane)...])), length: bytes.count - 4 * lane)
    }

    /// One lane: `crc` extended over `bytes`, eight bytes a step.
    private static func serial(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let count = bytes.count
            while i &+ 8 <= count {
                c = step(t, c, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i &+= 8
            }
            while i < count {
                c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
                i &+= 1
            }
        }
        return ~c
    }

    /// Eight bytes (a little-endian word) into the running, pre-inverted CRC `c`.
    @inline(__always)
    private static func step(_ t: UnsafeBufferPointer<UInt32>, _ c: UInt32, _ word: UInt64) -> UInt32 {
        let word = UInt64(littleEndian: word)
        let lo = UInt32(truncatingIfNeeded: word) ^ c, hi = UInt32(truncatingIfNeeded: word >> 32)
        return t[7 &* 256 &+ Int(lo & 0xFF)] ^ t[6 &* 256 &+ Int((lo >> 8) & 0xFF)]
            ^ t[5 &* 256 &+ Int((lo >> 16) & 0xFF)] ^ t[4 &* 256 &+ Int(lo >> 24)]
            ^ t[3 &* 256 &+ Int(hi & 0xFF)] ^ t[2 &* 256 &+ Int((hi >> 8) & 0xFF)]
            ^ t[256 &+ Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
    }
}
