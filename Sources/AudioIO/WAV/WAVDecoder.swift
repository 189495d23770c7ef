import Foundation

/// Decodes RIFF/WAVE, RF64 and BW64 files to interleaved float samples.
///
/// - Chunks: ref: Microsoft/IBM Multimedia Programming Interface and Data Specifications 1.0
///   (RIFF, WAVE `fmt `/`data`): unknown chunks are skipped, odd-sized chunks are padded to even.
///   The RIFF size is not trusted; chunks are read up to the end of the file. Streaming writers
///   leave a `data` size of 0 or 0xFFFFFFFF: the data then runs to the end of the file, as it
///   also does when the declared size is larger than the file (the frame count rounds down).
/// - RF64/BW64: ref: EBU Tech 3306 (RF64), ITU-R BS.2088 (BW64). A first `ds64` chunk carries
///   64-bit sizes; a 32-bit size of 0xFFFFFFFF means "see ds64" (`data` size or table entry).
/// - Encodings (`WAVEncoding`): PCM unsigned 8-bit and signed 16/24/32-bit, IEEE float 32/64,
///   A-law and µ-law (ref: ITU-T G.711), plain or WAVE_FORMAT_EXTENSIBLE (ref: Microsoft
///   WAVEFORMATEXTENSIBLE: the subformat GUID's first two bytes are the format code, the rest
///   must be the KSDATAFORMAT suffix 0000-0010-8000-00AA00389B71), 1–`maxChannels` channels.
///
/// Every read is bounds-checked; broken or unsupported files give a typed `AudioError`.
public enum WAVDecoder {
    /// The most channels decoded (7.1).
    public static let maxChannels = 8

    /// Decodes the bytes of a WAV file; `path` is only used in messages.
    public static func decode(_ bytes: some ContiguousBytes, path: String) throws(AudioError) -> DecodedAudio {
        try bytes.withUnsafeBytes { raw in Result { () throws(AudioError) in try decode(raw, path: path) } }.get()
    }

    static func decode(_ raw: UnsafeRawBufferPointer, path: String) throws(AudioError) -> DecodedAudio {
        let layout = try WAVLayout(CheckedBytes(raw: raw, path: path))
        let format = layout.format
        return DecodedAudio(samples: format.encoding.decode(UnsafeRawBufferPointer(rebasing: raw[layout.data]),
                                                            channels: format.channels),
                            sampleRate: format.sampleRate, channels: format.channels)
    }
}

/// Where a WAV file's samples are: the `fmt ` chunk, and the bytes of the `data` chunk. Scanned
/// from the file in memory (`WAVDecoder`) or read from disk on demand (`AudioStream`).
struct WAVLayout {
    var format: WAVFormat
    /// Byte offsets of the samples in the file.
    var data: Range<Int>
    /// Whether the data chunk runs to the end of the file (a declared size of 0 or 0xFFFFFFFF, as
    /// streaming writers leave, or one larger than the file).
    var runsToEnd: Bool

    init(_ r: some CheckedReader) throws(AudioError) {
        guard let magic = try r.fourCC(0), [ChunkID.riff, ChunkID.rf64, ChunkID.bw64].contains(magic),
              try r.fourCC(8) == ChunkID.wave else { throw .notWAV(path: r.path) }
        let is64 = magic != ChunkID.riff
        var sizes64: DS64?
        var format: WAVFormat?
        var audio: (data: Range<Int>, toEnd: Bool)?
        var cut: UInt32?                                    // a chunk that runs past the end
        var offset = 12
        scan: while r.count - offset >= 8 {
            let id = try r.u32(offset, in: "chunk header"), declared = try r.u32(offset + 4, in: "chunk header")
            let body = offset + 8, available = r.count - body
            var size = UInt64(declared)
            if is64, declared == 0xFFFF_FFFF, let sizes64 {
                size = id == ChunkID.data ? sizes64.data : sizes64.table[id] ?? size
            }
            switch id {
            case ChunkID.ds64 where is64 && sizes64 == nil:   // first by the spec; accepted anywhere
                sizes64 = try DS64(r, at: body, size: size)
            case ChunkID.fmt where format == nil:
                format = try WAVFormat(r, at: body, size: size)
            case ChunkID.data where audio == nil:
                let toEnd = size == 0 || size == 0xFFFF_FFFF || size > UInt64(available)
                audio = (body..<(body + (toEnd ? available : Int(size))), toEnd)
                if format != nil || toEnd { break scan }
            default:
                break
            }
            guard size <= UInt64(available) else { cut = id; break }
            offset = body + Int(size) + Int(size & 1)
        }
        let ending = cut.map { " (the file ends inside the \(ChunkID.describe($0)) chunk)" } ?? ""
        guard let format else { throw r.malformed("no fmt chunk" + ending) }
        guard let audio else { throw r.malformed("no data chunk" + ending) }
        (self.format, data, runsToEnd) = (format, audio.data, audio.toEnd)
    }
}

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
        try SampleGuard.checkRate(rate, path: r.path)
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

/// The `ds64` chunk of RF64/BW64: 64-bit RIFF and data sizes, the sample count, and a table of
/// other chunks' 64-bit sizes. ref: EBU Tech 3306 §2.3 (DataSize64Chunk, ChunkSize64)
struct DS64 {
    var data: UInt64
    var table: [UInt32: UInt64] = [:]
    /// The most table entries read. A table lists the chunks over 4 GiB other than `data` (a
    /// handful in practice); a longer one is refused rather than hashed entry by entry.
    static let maxEntries = 256

    init(_ r: some CheckedReader, at body: Int, size: UInt64) throws(AudioError) {
        guard size >= 28 else { throw r.malformed("the ds64 chunk is \(size) bytes; at least 28 are needed") }
        data = try r.u64(body + 8, in: "ds64 chunk")
        let entries = Int(try r.u32(body + 24, in: "ds64 chunk"))
        guard UInt64(entries) * 12 <= size - 28, r.has(entries * 12, at: body + 28) else {
            throw r.malformed("the ds64 table of \(entries) entries does not fit in the file")
        }
        guard entries <= Self.maxEntries else {
            throw r.malformed("the ds64 table has \(entries) entries; at most \(Self.maxEntries) are read")
        }
        for i in 0..<entries {
            table[try r.u32(body + 28 + 12 * i, in: "ds64 table")] = try r.u64(body + 32 + 12 * i, in: "ds64 table")
        }
    }
}

/// Four-character chunk identifiers as little-endian UInt32s.
enum ChunkID {
    static let riff = make("RIFF"), rf64 = make("RF64"), bw64 = make("BW64"), wave = make("WAVE")
    static let ds64 = make("ds64"), fmt = make("fmt "), data = make("data")

    static func make(_ s: String) -> UInt32 { s.utf8.reversed().reduce(0) { $0 << 8 | UInt32($1) } }

    /// 'LIST' when printable ASCII, else the hex value.
    static func describe(_ id: UInt32) -> String {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: id >> (8 * $0)) }
        guard bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) else { return "0x" + String(id, radix: 16) }
        return "'" + String(decoding: bytes, as: UTF8.self) + "'"
    }
}

/// Bounds-checked little-endian reads of a file's bytes, in memory (`CheckedBytes`) or read from
/// disk on demand (`ByteWindow`): a read past the end throws `malformed` naming the part cut.
protocol CheckedReader {
    /// The file, for messages.
    var path: String { get }
    /// The file's size in bytes.
    var count: Int { get }
    /// Bytes `offset ..< offset + count`, which lie in the file (`has(count, at: offset)`); valid
    /// until the next read.
    func bytes(_ offset: Int, _ count: Int) throws(AudioError) -> UnsafeRawBufferPointer
}

extension CheckedReader {
    func malformed(_ reason: String) -> AudioError { .malformed(path: path, reason: reason) }

    func has(_ count: Int, at offset: Int) -> Bool {
        offset >= 0 && count >= 0 && offset <= self.count && self.count - offset >= count
    }

    func slice(_ offset: Int, _ count: Int, in part: String) throws(AudioError) -> UnsafeRawBufferPointer {
        guard has(count, at: offset) else { throw malformed("the file ends inside the \(part)") }
        return try bytes(offset, count)
    }

    func fourCC(_ offset: Int) throws(AudioError) -> UInt32? { has(4, at: offset) ? try load(offset) : nil }
    func u16(_ offset: Int, in part: String) throws(AudioError) -> Int { Int(try checked(offset, in: part) as UInt16) }
    func u32(_ offset: Int, in part: String) throws(AudioError) -> UInt32 { try checked(offset, in: part) }
    func u64(_ offset: Int, in part: String) throws(AudioError) -> UInt64 { try checked(offset, in: part) }

    private func checked<T: FixedWidthInteger>(_ offset: Int, in part: String) throws(AudioError) -> T {
        guard has(MemoryLayout<T>.size, at: offset) else { throw malformed("the file ends inside the \(part)") }
        return try load(offset)
    }

    private func load<T: FixedWidthInteger>(_ offset: Int) throws(AudioError) -> T {
        T(littleEndian: try bytes(offset, MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }
}

/// A whole file in memory.
struct CheckedBytes: CheckedReader {
    let raw: UnsafeRawBufferPointer
    let path: String

    var count: Int { raw.count }

    func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
