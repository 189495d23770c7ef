import Foundation

/// One file of the hostile-input corpus and how the analysis must end on it.
public struct HostileFile: Sendable, CustomStringConvertible {
    public enum Expect: Sendable, Equatable {
        /// A result whose every number is finite.
        case result
        /// An error whose message holds this fragment.
        case error(String)
    }
    /// File name, with the extension of its format.
    public let name: String
    public let expect: Expect
    public let what: String
    public let bytes: [UInt8]
    public var description: String { name }
}

/// The hostile-input corpus (README "Security → Engine limits"), built in memory: sample values
/// (float extremes, NaN, ±inf, subnormals, DC, full-scale squares), rates at and past the limits
/// (1 Hz, 3999, 4000, prime rates, 768001, 10 MHz), headers that lie about sizes (WAV data, RF64
/// ds64 and its table, FLAC metadata and total samples, MP3 ID3v2), impossible channel counts and
/// depths, and a FLAC decompression bomb. HostileInputTests analyses each in process;
/// `hostile-corpus DIR` writes them for Scripts/hostile/run, which holds the release `mood analyze`
/// to the time and memory budget on each; the analysis fuzzer mutates them further.
public enum HostileFiles {
    static let rateError = "declares a sample rate of", sampleError = "samples must be finite and within"

    public static let all: [HostileFile] = {
        var files: [HostileFile] = []
        func add(_ name: String, _ expect: HostileFile.Expect, _ what: String, _ bytes: [UInt8]) {
            files.append(HostileFile(name: name, expect: expect, what: what, bytes: bytes))
        }
        let tone = sine(16000, rate: 16000), n = 8000
        add("float-1e20.wav", .error(sampleError), "float32 at ±1e20 (finite): the SIGILL of issue 12",
            float32((0..<n).map { $0 % 2 == 0 ? -1e20 : 1e20 }, rate: 8000))
        add("float-most-negative.wav", .error(sampleError), "float32 at −3.4e38", float32(Array(repeating: -.greatestFiniteMagnitude, count: n), rate: 8000))
        add("float-nan.wav", .error(sampleError), "a sine with one NaN", float32(tone[..<8000] + [.nan] + tone[8001...], rate: 16000))
        add("float-inf.wav", .error(sampleError), "a sine with one −inf", float32(tone[..<100] + [-.infinity] + tone[101...], rate: 16000))
        add("float64-1e300.wav", .error(sampleError), "float64 at 1e300 (inf as float32)",
            WAVFile.simple(code: 3, rate: 8000, bits: 64, payload: (0..<4000).flatMap { _ in WAVFile.le((1e300 as Double).bitPattern) }))
        add("float-over-bound.wav", .error(sampleError), "a sine with one sample just over 2^15",
            float32(tone[..<5000] + [Float(32768).nextUp] + tone[5001...], rate: 16000))
        add("float-square-at-bound.wav", .result, "a square at ±2^15 (float in integer units)",
            float32(square(2 * n, period: 80, 32768, -32768), rate: 8000))
        add("float-dc-at-bound.wav", .result, "DC at +2^15", float32(Array(repeating: 32768, count: 2 * n), rate: 8000))
        add("float-stereo-cancelling.wav", .result, "two channels at +2^15 and −2^15 (silence once down-mixed)",
            float32((0..<(4 * n)).map { $0 % 2 == 0 ? 32768 : -32768 }, rate: 8000, channels: 2))
        add("float-subnormal.wav", .result, "noise of subnormal floats (up to ±1.5e−39)",
            float32(noise(2 * n, Float(bitPattern: 0x000F_FFFF)), rate: 8000))
        add("float-smallest-normal.wav", .result, "noise at the smallest normal float (±1.2e−38)",
            float32(noise(2 * n, .leastNormalMagnitude, seed: 7), rate: 8000))
        add("float-dc-full-scale.wav", .result, "DC at 1.0", float32(Array(repeating: 1, count: 2 * n), rate: 8000))
        add("s16-square-full-scale.wav", .result, "a 100 Hz full-scale 16-bit square (clipped)",
            s16(square(2 * n, period: 80, 32767, -32768).map { Int16($0) }, rate: 8000))
        add("s16-dc-negative-full-scale.wav", .result, "16-bit DC at −32768", s16(Array(repeating: -32768, count: 2 * n), rate: 8000))
        add("s16-impulse.wav", .result, "one full-scale click in 2 s of digital silence",
            s16(Array(repeating: 0, count: n) + [32767] + Array(repeating: 0, count: n - 1), rate: 8000))
        add("s16-silence.wav", .result, "2 s of digital silence", s16(Array(repeating: 0, count: 2 * n), rate: 8000))
        add("s16-empty.wav", .result, "a data chunk of no samples", s16([], rate: 16000))
        add("s16-one-sample.wav", .result, "one sample", s16([1000], rate: 16000))
        add("s16-nyquist.wav", .result, "full-scale alternating samples (the Nyquist frequency)",
            s16((0..<(2 * n)).map { $0 % 2 == 0 ? -32768 : 32767 }, rate: 8000))
        add("rate-1hz.wav", .error(rateError), "14 KB of 8-bit audio declaring 1 Hz (3.9 hours)", u8(14000, rate: 1))
        add("rate-3999.wav", .error(rateError), "just under the lowest rate", u8(4000, rate: 3999))
        add("rate-4000.wav", .result, "the lowest rate", u8(8000, rate: 4000))
        add("rate-4001-prime.wav", .result, "a prime rate just over the lowest (interpolated upsampling)", u8(8002, rate: 4001))
        add("rate-768000.wav", .result, "the highest rate", u8(38400, rate: 768_000))
        add("rate-767957-prime.wav", .result, "a prime rate near the highest (the longest filter)", u8(38400, rate: 767_957))
        add("rate-768001.wav", .error(rateError), "just over the highest rate", u8(4000, rate: 768_001))
        add("rate-9999991-prime.wav", .error(rateError), "a prime rate near 10 MHz (510 MB of filter before the limit)",
            u8(20000, rate: 9_999_991))
        add("rate-4294967295.wav", .error(rateError), "the largest 32-bit rate", u8(4000, rate: .max))
        add("wav-huge-data-size.wav", .result, "a data chunk declaring 4 GB over 1000 samples",
            WAVFile.file(WAVFile.fmt(code: 1, channels: 1, rate: 8000, bits: 16),
                         WAVFile.chunk("data", WAVFile.s16(Array(repeating: 1000, count: 1000)), size: 0xFFFF_FFF0)))
        add("wav-many-chunks.wav", .result, "5000 empty chunks before fmt and data",
            WAVFile.file(Array(repeating: WAVFile.chunk("JUNK", []), count: 5000).flatMap { $0 },
                         WAVFile.fmt(code: 1, channels: 1, rate: 8000, bits: 16),
                         WAVFile.chunk("data", WAVFile.s16(Array(repeating: 500, count: n)))))
        add("wav-zero-channels.wav", .error("0 channels"), "fmt declares 0 channels",
            WAVFile.file(fmt(channels: 0, bits: 16, block: 2), WAVFile.chunk("data", Array(repeating: 0, count: 64))))
        add("wav-65535-channels.wav", .error("65535 channels"), "fmt declares 65535 channels",
            WAVFile.file(fmt(channels: 0xFFFF, bits: 16, block: 0xFFFE), WAVFile.chunk("data", Array(repeating: 0, count: 64))))
        add("wav-65535-bits.wav", .error("65535-bit"), "fmt declares 65535 bits per sample",
            WAVFile.file(fmt(channels: 1, bits: 0xFFFF, block: 2), WAVFile.chunk("data", Array(repeating: 0, count: 64))))
        add("rf64-huge-data-size.wav", .result, "RF64 whose ds64 declares 2^63 bytes of data over 2000",
            rf64(ds64(data: 1 << 63, entries: 0), data: WAVFile.s16(Array(repeating: 700, count: 1000))))
        add("rf64-table-count-4g.wav", .error("ds64 table"), "RF64 whose ds64 table declares 2^32 − 1 entries",
            rf64(ds64(data: 2000, entries: .max), data: Array(repeating: 0, count: 2000)))
        add("rf64-table-1000-entries.wav", .error("ds64 table"), "RF64 with a ds64 table of 1000 real entries",
            rf64(ds64(data: 2000, entries: 1000, table: (0..<1000).flatMap { i in Array("J\(1000 + i)".utf8.suffix(3)) + [0x4A] + WAVFile.le(UInt64(16)) }),
                 data: Array(repeating: 0, count: 2000)))
        add("flac-huge-metadata-length.flac", .error("metadata block"), "a PADDING block declaring 16 MB in a tiny file",
            flac(rate: 8000, frames: 2, extra: [0x81, 0xFF, 0xFF, 0xFF] + Array(repeating: 0, count: 16)))
        add("flac-rate-1hz.flac", .error(rateError), "STREAMINFO declaring 1 Hz", flac(rate: 1, frames: 4))
        add("flac-rate-max.flac", .error(rateError), "STREAMINFO declaring 1048575 Hz (the largest 20-bit rate)",
            flac(rate: 0xFFFFF, frames: 4))
        add("flac-huge-total.flac", .error("over the duration limit"), "STREAMINFO declaring 2^36 − 1 samples over 4 frames",
            flac(rate: 8000, frames: 4, total: 1 << 36 - 1))
        add("flac-constant-bomb.flac", .result, "250 constant full-scale frames: 3 KB expanding to 16 s at 64 kHz",
            flac(rate: 64000, frames: 250, value: 0x7FFF))
        let mp3 = (try? [UInt8](Data(contentsOf: root.appendingPathComponent("Tests/Vectors/mp3/tiny-speech-8k.mp3")))) ?? []
        let third = mp3.count / 3
        add("mp3-id3-size-lie.mp3", .error("unsupported format"), "an ID3v2 tag declaring 256 MB before a tiny MP3",
            id3(size: 1 << 28 - 1) + mp3)
        add("mp3-id3-into-frames.mp3", .result, "an ID3v2 tag whose size ends inside the MP3's frames",
            id3(size: third - 10) + mp3[10...])
        add("mp3-many-id3.mp3", .result, "4000 empty ID3v2 tags before an MP3", (0..<4000).flatMap { _ in id3(size: 0) } + mp3)
        add("mp3-sync-garbage.mp3", .error("MP3"), "16 KB of MPEG layer III headers over junk",
            (0..<40).flatMap { _ in [0xFF, 0xFB, 0x90, 0x64] + (0..<413).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) } })
        return files
    }()

    /// The repository, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Writes every file into `directory` (created if needed) with an `index.tsv` (name, expect:
    /// `result` or `error`, message fragment, what it is); returns the files' paths.
    public static func write(to directory: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var index = "# name\texpect\tmessage fragment\twhat\n"
        for file in all {
            try Data(file.bytes).write(to: directory.appendingPathComponent(file.name))
            switch file.expect {
            case .result: index += "\(file.name)\tresult\t\t\(file.what)\n"
            case .error(let fragment): index += "\(file.name)\terror\t\(fragment)\t\(file.what)\n"
            }
        }
        try Data(index.utf8).write(to: directory.appendingPathComponent("index.tsv"))
        return all.map { directory.appendingPathComponent($0.name).path }
    }

    // WAV

    static func float32(_ samples: some Collection<Float>, rate: UInt32, channels: UInt16 = 1) -> [UInt8] {
        WAVFile.file(WAVFile.fmt(code: 3, channels: channels, rate: rate, bits: 32),
                     WAVFile.chunk("data", samples.flatMap { WAVFile.le($0.bitPattern) }))
    }

    static func s16(_ samples: [Int16], rate: UInt32) -> [UInt8] { WAVFile.simple(code: 1, rate: rate, bits: 16, payload: WAVFile.s16(samples)) }

    /// `count` samples of an 8-bit 440 Hz tone at `rate`.
    static func u8(_ count: Int, rate: UInt32) -> [UInt8] {
        WAVFile.file(fmt(channels: 1, bits: 8, block: 1, rate: rate),
                     WAVFile.chunk("data", (0..<count).map { UInt8(128 + 100 * sin(2 * Double.pi * 440 * Double($0) / Double(max(rate, 1)))) }))
    }

    /// A PCM `fmt ` chunk with any field values (`WAVFile.fmt` computes the block align).
    static func fmt(channels: UInt16, bits: UInt16, block: UInt16, rate: UInt32 = 8000) -> [UInt8] {
        WAVFile.chunk("fmt ", WAVFile.le(UInt16(1)) + WAVFile.le(channels) + WAVFile.le(rate)
                      + WAVFile.le(rate &* UInt32(block)) + WAVFile.le(block) + WAVFile.le(bits))
    }

    /// A ds64 chunk (RIFF size 0, `data` bytes, sample count 0, then the table). ref: EBU Tech 3306 §2.3
    static func ds64(data: UInt64, entries: UInt32, table: [UInt8] = []) -> [UInt8] {
        WAVFile.chunk("ds64", WAVFile.le(UInt64(0)) + WAVFile.le(data) + WAVFile.le(UInt64(0)) + WAVFile.le(entries) + table)
    }

    /// RF64: `ds64`, a 16-bit mono `fmt `, and a `data` chunk whose size is in ds64 (0xFFFFFFFF).
    static func rf64(_ ds64: [UInt8], data: [UInt8]) -> [UInt8] {
        WAVFile.file(ds64, WAVFile.fmt(code: 1, channels: 1, rate: 8000, bits: 16),
                     Array("data".utf8) + WAVFile.le(UInt32.max) + data, magic: "RF64", size: .max)
    }

    public static func sine(_ count: Int, rate: Double) -> [Float] { (0..<count).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / rate)) } }

    static func square(_ count: Int, period: Int, _ high: Float, _ low: Float) -> [Float] {
        (0..<count).map { $0 / (period / 2) % 2 == 0 ? high : low }
    }

    /// Uniform noise in [−amplitude, amplitude) from a 64-bit LCG (deterministic).
    static func noise(_ count: Int, _ amplitude: Float, seed: UInt64 = 1) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return amplitude * (Float(state >> 40) * 0x1p-23 - 1)
        }
    }

    // FLAC (ref: RFC 9639)

    /// "fLaC", STREAMINFO (16-bit mono, blocks of 4096, no MD5), `extra` metadata blocks (the
    /// last flagged by its writer; none: STREAMINFO is last), then `frames` frames of one CONSTANT
    /// subframe holding `value`.
    static func flac(rate: UInt64, frames: Int, value: Int16 = 0x4000, total: UInt64? = nil, extra: [UInt8] = []) -> [UInt8] {
        let block = 4096
        let packed = rate << 44 | 15 << 36 | (total ?? UInt64(frames * block))
        var info: [UInt8] = [0x10, 0x00, 0x10, 0x00] + Array(repeating: 0, count: 6)
        info += (0..<8).map { UInt8(truncatingIfNeeded: packed >> (56 - 8 * $0)) } + Array(repeating: 0, count: 16)
        // Size code 7 (16-bit size − 1 follows), rate and depth from STREAMINFO, one channel, frame number 0.
        var frame: [UInt8] = [0xFF, 0xF8, 0x70, 0x00, 0x00, UInt8((block - 1) >> 8), UInt8((block - 1) & 0xFF)]
        frame.append(FLACChecksums.crc8(frame))
        frame += [0x00, UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
        let crc = FLACChecksums.crc16(frame)
        frame += [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        return Array("fLaC".utf8) + [extra.isEmpty ? 0x80 : 0x00, 0, 0, 34] + info + extra
            + (0..<frames).flatMap { _ in frame }
    }

    // MP3

    /// An ID3v2.4 header declaring `size` bytes (syncsafe). ref: ID3 tag version 2.4.0 §3.1
    static func id3(size: Int) -> [UInt8] {
        Array("ID3".utf8) + [4, 0, 0] + [21, 14, 7, 0].map { UInt8(size >> $0 & 0x7F) }
    }
}
