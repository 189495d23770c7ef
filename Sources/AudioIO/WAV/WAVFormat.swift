/// The sample encodings decoded, from the format code and bits per sample.
enum WAVEncoding {
    case unsigned8, signed16, signed24, signed32, float32, float64, alaw, ulaw

    /// ref: Microsoft mmreg.h: WAVE_FORMAT_PCM 1, IEEE_FLOAT 3, ALAW 6, MULAW 7
    init?(code: Int, bits: Int) {
        switch (code, bits) {
        case (1, 8): self = .unsigned8
        case (1, 16): self = .signed16
        case (1, 24): self = .signed24
        case (1, 32): self = .signed32
        case (3, 32): self = .float32
        case (3, 64): self = .float64
        case (6, 8): self = .alaw
        case (7, 8): self = .ulaw
        default: return nil
        }
    }

    /// Bytes per sample.
    var width: Int {
        switch self {
        case .unsigned8, .alaw, .ulaw: 1
        case .signed16: 2
        case .signed24: 3
        case .signed32, .float32: 4
        case .float64: 8
        }
    }

    /// The whole frames in `bytes`, as interleaved floats: PCM n-bit scaled by 2^-(n-1) (8-bit
    /// is unsigned with 128 as zero), floats converted, G.711 expanded to 16-bit and scaled by 2^-15.
    func decode(_ bytes: UnsafeRawBufferPointer, channels: Int) -> [Float] {
        let count = bytes.count / (width * channels) * channels, w = width
        func int<T: FixedWidthInteger>(_ i: Int, as: T.Type) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: i * w, as: T.self))
        }
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch self {
            case .unsigned8: for i in 0..<count { out[i] = (Float(bytes[i]) - 128) * 0x1p-7 }
            case .signed16: for i in 0..<count { out[i] = Float(int(i, as: Int16.self)) * 0x1p-15 }
            case .signed24:
                for i in 0..<count {
                    let o = 3 * i
                    let v = Int32(bytes[o]) | Int32(bytes[o + 1]) << 8 | Int32(Int8(bitPattern: bytes[o + 2])) << 16
                    out[i] = Float(v) * 0x1p-23
                }
            case .signed32:
                // Float(Int32.max) rounds up to 2^31; keep full scale just below 1.
                for i in 0..<count { out[i] = min(Float(int(i, as: Int32.self)) * 0x1p-31, 0x1.fffffep-1) }
            case .float32: for i in 0..<count { out[i] = Float(bitPattern: int(i, as: UInt32.self)) }
            case .float64: for i in 0..<count { out[i] = Float(Double(bitPattern: int(i, as: UInt64.self))) }
            case .alaw: G711.alawTable.withUnsafeBufferPointer { t in for i in 0..<count { out[i] = t[Int(bytes[i])] } }
            case .ulaw: G711.ulawTable.withUnsafeBufferPointer { t in for i in 0..<count { out[i] = t[Int(bytes[i])] } }
            }
            initialized = count
        }
    }
}

/// The `fmt ` chunk: WAVEFORMATEX, or WAVEFORMATEXTENSIBLE with its subformat resolved.
/// ref: Microsoft WAVEFORMATEX, WAVEFORMATEXTENSIBLE
struct WAVFormat {
    var encoding: WAVEncoding
    var channels: Int
    var sampleRate: Int

    /// KSDATAFORMAT_SUBTYPE_* GUIDs {0000xxxx-0000-0010-8000-00AA00389B71} after their first two
    /// bytes (the format code), in file byte order.
    static let subformatSuffix: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
                                           0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    init(_ r: some CheckedReader, at body: Int, size: UInt64) throws(AudioError) {
        guard size >= 16 else { throw r.malformed("the fmt chunk is \(size) bytes; at least 16 are needed") }
        var code = try r.u16(body, in: "fmt chunk")
        let channels = try r.u16(body + 2, in: "fmt chunk")
        let rate = Int(try r.u32(body + 4, in: "fmt chunk"))
        let blockAlign = try r.u16(body + 12, in: "fmt chunk"), bits = try r.u16(body + 14, in: "fmt chunk")
        if code == 0xFFFE {
            guard size >= 40 else {
                throw r.malformed("the WAVE_FORMAT_EXTENSIBLE fmt chunk is \(size) bytes; 40 are needed")
            }
            let extra = try r.u16(body + 16, in: "fmt chunk")
            guard extra >= 22 else {
                throw r.malformed("the WAVE_FORMAT_EXTENSIBLE fmt chunk has \(extra) extension bytes; 22 are needed")
            }
            let guid = try r.slice(body + 24, 16, in: "fmt chunk")
            guard guid.dropFirst(2).elementsEqual(Self.subformatSuffix) else {
                throw .unsupportedSubformat(path: r.path, guid: Self.describe(guid: guid))
            }
            code = Int(guid[0]) | Int(guid[1]) << 8
        }
        guard channels > 0 else { throw r.malformed("the fmt chunk declares 0 channels") }
        guard channels <= WAVDecoder.maxChannels else {
            throw .tooManyChannels(path: r.path, channels: channels, limit: WAVDecoder.maxChannels)
        }
        guard rate > 0 else { throw r.malformed("the fmt chunk declares a sample rate of 0 Hz") }
        guard let encoding = WAVEncoding(code: code, bits: bits) else {
            throw .unsupportedEncoding(path: r.path, format: code, bits: bits)
        }
        guard blockAlign == channels * encoding.width else {
            throw r.malformed("the block align is \(blockAlign) bytes but \(channels) channels of \(bits)-bit samples take \(channels * encoding.width)")
        }
        self.encoding = encoding
        self.channels = channels
        self.sampleRate = rate
    }

    /// The registry form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}: three little-endian fields, then bytes.
    static func describe(guid g: UnsafeRawBufferPointer) -> String {
        func hex(_ bytes: [UInt8]) -> String {
            bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
        }
        return "{" + hex([g[3], g[2], g[1], g[0]]) + "-" + hex([g[5], g[4]]) + "-" + hex([g[7], g[6]]) + "-"
            + hex([g[8], g[9]]) + "-" + hex(Array(g[10..<16])) + "}"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
