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
