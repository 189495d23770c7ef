/// FLAC's two CRCs, bit by bit (an implementation independent of the decoder's table-driven
/// one): CRC-8 with polynomial x^8 + x^2 + x + 1 over a frame header (RFC 9639 §9.1.8) and CRC-16
/// with polynomial x^16 + x^15 + x^2 + 1 over a whole frame (§9.3), both from 0, MSB first.
public enum FLACChecksums {
    public static func crc8(_ bytes: some Sequence<UInt8>) -> UInt8 {
        var crc: UInt8 = 0
        for b in bytes {
            crc ^= b
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? crc << 1 ^ 0x07 : crc << 1 }
        }
        return crc
    }

    public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for b in bytes {
            crc ^= UInt16(b) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? crc << 1 ^ 0x8005 : crc << 1 }
        }
        return crc
    }
}
