@testable import Plot
import Testing
import WeightFormat

@Suite struct PNGWriterTests {
    /// The embedded PNG decodes by the format's rules: signature, IHDR, a zlib stream whose stored
    /// blocks hold the rows and whose Adler-32 matches, and chunk CRCs.
    @Test func pngIsValid() throws {
        let pixels = (0..<(70_000 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31) }      // over one stored block
        let png = PNGWriter.rgb(width: 1000, height: 70, pixels: pixels)
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8, chunks: [String] = [], idat: [UInt8] = []
        while offset < png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = Array(png[(offset + 4)..<(offset + 8 + length)])
            let crc = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(body.withUnsafeBytes { CRC32.checksum($0) } == crc, "\(type) CRC")
            if type == "IDAT" { idat += body.dropFirst(4) }
            chunks.append(type)
            offset += 12 + length
        }
        #expect(chunks == ["IHDR", "IDAT", "IEND"])
        var raw: [UInt8] = [], i = 2
        while true {                                                   // stored blocks: BFINAL, LEN, NLEN, data
            let final = idat[i] & 1, length = Int(idat[i + 1]) | Int(idat[i + 2]) << 8
            #expect(Int(idat[i + 3]) | Int(idat[i + 4]) << 8 == ~length & 0xFFFF)
            raw += idat[(i + 5)..<(i + 5 + length)]
            i += 5 + length
            if final == 1 { break }
        }
        #expect(raw.count == 70 * (1 + 3000) && PNGWriter.adler32(raw) == idat[i..<(i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        #expect(Array(raw[1..<3001]) == Array(pixels[0..<3000]))
    }
}
