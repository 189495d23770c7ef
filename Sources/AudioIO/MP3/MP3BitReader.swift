/// Reads a byte buffer bit by bit, most significant bit first, the order in which every field of
/// the bit stream is written (ref: ISO/IEC 11172-3 §2.1 "bslbf"/"uimsbf", §2.4.1).
///
/// Reads past the end give zero bits and never touch memory outside the buffer, so a hostile
/// `part2_3_length` or a truncated frame can only produce wrong (finite) values, never a crash.
struct MP3BitReader {
    private let base: UnsafePointer<UInt8>?
    /// The buffer's length in bytes.
    let byteCount: Int
    /// The next bit to read, counted from the start of the buffer.
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        base = bytes.baseAddress
        byteCount = bytes.count
        self.position = max(0, position)
    }

    /// The buffer's length in bits.
    var bitCount: Int { byteCount << 3 }

    /// The 32 bits from `position` on, the first in the most significant place (zeros past the end).
    @inline(__always)
    func peek32() -> UInt32 { UInt32(truncatingIfNeeded: peek57() &>> 32) }

    /// At least the 57 bits from `position` on, the first in the most significant place (zeros
    /// past the end): enough for one Huffman pair with its linbits and signs (at most 47 bits).
    @inline(__always)
    func peek57() -> UInt64 {
        guard let base else { return 0 }
        let byte = position >> 3
        let word: UInt64
        if byte >= 0, byteCount - byte >= 8 {
            word = UInt64(bigEndian: UnsafeRawPointer(base + byte).loadUnaligned(as: UInt64.self))
        } else {
            var w: UInt64 = 0
            for k in 0..<8 {
                let i = byte + k
                w = w << 8 | (i >= 0 && i < byteCount ? UInt64(base[i]) : 0)
            }
            word = w
        }
        return word &<< UInt64(position & 7)
    }

    /// The next `count` bits (0…32) as an unsigned number.
    @inline(__always)
    mutating func read(_ count: Int) -> Int {
        guard count > 0 else { return 0 }
        let value = peek32() &>> UInt32(32 - count)
        position += count
        return Int(value)
    }

    /// The next bit.
    @inline(__always)
    mutating func readBit() -> Bool { read(1) != 0 }
}
