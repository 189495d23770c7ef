import Testing
@testable import WeightFormat

/// `CRC32`'s paths — tables, carry-less folding (on CPUs with PCLMULQDQ), the four lanes and
/// `combine` — against the one-bit-at-a-time definition (ref: zlib crc32.c, the reflected IEEE
/// polynomial), on lengths around every split point.
@Suite struct CRC32Tests {
    /// Bit by bit, as the standard defines it: the reference the fast paths must equal.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var c = ~UInt32(0)
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var s = seed
        return (0..<count).map { _ in
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: s >> 56)
        }
    }

    @Test(arguments: [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 95, 127, 128, 129, 1000, 4099])
    func smallLengths(count: Int) {
        let data = Self.bytes(count, seed: UInt64(count))
        #expect(data.withUnsafeBytes { CRC32.checksum($0) } == Self.reference(data))
    }

    /// A long odd length: no lane, no fold and no tail is a whole multiple of the others.
    @Test func largeOddLength() {
        let data = Self.bytes((3 << 20) + 13, seed: 7)
        #expect(data.withUnsafeBytes { CRC32.checksum($0) } == Self.reference(data))
    }

    /// The four table lanes, the path of CPUs that do not fold, whatever this one does.
    @Test(arguments: [32, 33, 64, 100, 4099, (1 << 20) + 7])
    func lanesWithoutFolding(count: Int) {
        let data = Self.bytes(count, seed: UInt64(count) + 11)
        #expect(data.withUnsafeBytes { CRC32.lanes($0) } == Self.reference(data))
    }

    /// `update` in pieces of every size class equals the whole.
    @Test func updateInPieces() {
        let data = Self.bytes((1 << 20) + 4097, seed: 3)
        var crc = CRC32()
        data.withUnsafeBytes { raw in
            var start = 0
            for size in [1, 63, 64, 1000, 1 << 20] {
                crc.update(UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)]))
                start += size
            }
            crc.update(UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
        #expect(crc.value == Self.reference(data))
    }
}
