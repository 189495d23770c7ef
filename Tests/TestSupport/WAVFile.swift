/// Builds WAV files in memory: chunks with their pad byte, and RIFF/RF64/BW64 headers (for the
/// decoder tests and the fuzzer's seeds).
public enum WAVFile {
    public static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// A chunk: id, size (the body's unless given), body and a pad byte when the body is odd.
    public static func chunk(_ id: String, _ body: [UInt8], size: UInt32? = nil) -> [UInt8] {
        Array(id.utf8) + le(size ?? UInt32(body.count)) + body + (body.count % 2 == 1 ? [0] : [])
    }

    /// A 16-byte WAVEFORMATEX `fmt ` chunk (block align and byte rate from channels and bits).
    public static func fmt(code: UInt16, channels: UInt16, rate: UInt32 = 16000, bits: UInt16) -> [UInt8] {
        let block = channels * ((bits + 7) / 8)
        return chunk("fmt ", le(code) + le(channels) + le(rate) + le(rate * UInt32(block)) + le(block) + le(bits))
    }

    public static let ksSuffix: [UInt8] = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71]

    /// A 40-byte WAVEFORMATEXTENSIBLE `fmt ` chunk whose subformat GUID is `code` + `guidTail`.
    public static func extensible(code: UInt16, channels: UInt16, rate: UInt32 = 16000, bits: UInt16,
                                  guidTail: [UInt8] = ksSuffix) -> [UInt8] {
        let block = channels * bits / 8
        let body = le(UInt16(0xFFFE)) + le(channels) + le(rate) + le(rate * UInt32(block)) + le(block) + le(bits)
            + le(UInt16(22)) + le(bits) + le(UInt32(3)) + le(code) + guidTail
        return chunk("fmt ", body)
    }

    /// The file: magic, RIFF size (computed unless given), "WAVE", chunks.
    public static func file(_ chunks: [UInt8]..., magic: String = "RIFF", size: UInt32? = nil) -> [UInt8] {
        let body = Array("WAVE".utf8) + chunks.flatMap { $0 }
        return Array(magic.utf8) + le(size ?? UInt32(body.count)) + body
    }

    /// A plain file with an odd unknown chunk between `fmt ` and `data`.
    public static func simple(code: UInt16, channels: UInt16 = 1, rate: UInt32 = 16000, bits: UInt16,
                              payload: [UInt8]) -> [UInt8] {
        file(fmt(code: code, channels: channels, rate: rate, bits: bits), chunk("LIST", [1, 2, 3]),
             chunk("data", payload))
    }

    public static func s16(_ values: [Int16]) -> [UInt8] { values.flatMap { le($0) } }
}
