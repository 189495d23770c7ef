import WeightFormat

/// A minimal PNG encoder for the plot's spectrogram: 8-bit RGB, no interlace, filter 0 on every
/// row, and the zlib stream made of stored (uncompressed) deflate blocks — valid PNG, no
/// compression library. ref: PNG spec (ISO/IEC 15948) §11.2.2 IHDR, §10 zlib; RFC 1950 (zlib,
/// Adler-32), RFC 1951 §3.2.4 (stored blocks)
enum PNGWriter {
    /// `rgb`: height rows of width × 3 bytes, top row first.
    static func rgb(width: Int, height: Int, pixels rgb: [UInt8]) -> [UInt8] {
        precondition(rgb.count == width * height * 3 && width > 0 && height > 0)
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (1 + width * 3))
        for y in 0..<height {
            raw.append(0)                                           // filter type None
            raw += rgb[(y * width * 3)..<((y + 1) * width * 3)]
        }
        var zlib: [UInt8] = [0x78, 0x01]                            // deflate, 32 KiB window, no dictionary
        var offset = 0
        repeat {
            let count = min(65535, raw.count - offset)
            zlib.append(offset + count == raw.count ? 1 : 0)        // BFINAL, BTYPE 00 (stored)
            zlib += le16(count) + le16(~count & 0xFFFF)
            zlib += raw[offset..<(offset + count)]
            offset += count
        } while offset < raw.count
        zlib += be32(adler32(raw))
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(body.withUnsafeBytes { CRC32.checksum($0) })
    }

    /// ref: RFC 1950 §8.2
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < bytes.count {
            for byte in bytes[i..<min(i + 5552, bytes.count)] {             // 5552: no UInt32 overflow
                a &+= UInt32(byte)
                b &+= a
            }
            a %= 65521
            b %= 65521
            i += 5552
        }
        return b << 16 | a
    }

    private static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    private static func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
}
