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

/// The `ds64` chunk of RF64/BW64: 64-bit RIFF and data sizes, the sample count, and a table of
/// other chunks' 64-bit sizes. ref: EBU Tech 3306 §2.3 (DataSize64Chunk, ChunkSize64)
struct DS64 {
    var data: UInt64
    var table: [UInt32: UInt64] = [:]

    init(_ r: some CheckedReader, at body: Int, size: UInt64) throws(AudioError) {
        guard size >= 28 else { throw r.malformed("the ds64 chunk is \(size) bytes; at least 28 are needed") }
        data = try r.u64(body + 8, in: "ds64 chunk")
        let entries = Int(try r.u32(body + 24, in: "ds64 chunk"))
        guard UInt64(entries) * 12 <= size - 28, r.has(entries * 12, at: body + 28) else {
            throw r.malformed("the ds64 table of \(entries) entries does not fit in the file")
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
