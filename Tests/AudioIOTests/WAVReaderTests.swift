@testable import AudioIO
import Foundation
import Testing
import TestSupport

@Suite struct WAVDecoderTests {
    func decode(_ bytes: [UInt8], path: String = "test.wav") throws(AudioError) -> DecodedAudio {
        try WAVDecoder.decode(bytes, path: path)
    }

    // MARK: encodings

    @Test func unsigned8() throws {
        let audio = try decode(WAVFile.simple(code: 1, bits: 8, payload: [0, 128, 255, 64]))
        #expect(audio.samples == [-1, 0, 127.0 / 128, -0.5])
        #expect(audio.sampleRate == 16000 && audio.channels == 1 && audio.frames == 4)
    }

    @Test func signed16() throws {
        let audio = try decode(WAVFile.simple(code: 1, bits: 16, payload: WAVFile.s16([-32768, 0, 32767, 16384])))
        #expect(audio.samples == [-1, 0, 32767.0 / 32768, 0.5])
    }

    @Test func signed24() throws {
        let values: [Int32] = [-8_388_608, 8_388_607, 1, -1, 0x12_3456, 0]
        let payload = values.flatMap { WAVFile.le($0).prefix(3) }
        let audio = try decode(WAVFile.simple(code: 1, bits: 24, payload: payload))
        #expect(audio.samples == values.map { Float($0) / 8_388_608 })
    }

    @Test func signed32() throws {
        let values: [Int32] = [.min, 0, 1 << 30, -(1 << 30), 12345, .max]
        let audio = try decode(WAVFile.simple(code: 1, bits: 32, payload: values.flatMap { WAVFile.le($0) }))
        #expect(audio.samples == [-1, 0, 0.5, -0.5, Float(12345) / 2_147_483_648, 0x1.fffffep-1])
        #expect(audio.samples.allSatisfy { $0 >= -1 && $0 < 1 })
    }

    @Test func float32And64() throws {
        let f: [Float] = [0.25, -1, 0.5, 1.5, -0.0]
        let a = try decode(WAVFile.simple(code: 3, bits: 32, payload: f.flatMap { WAVFile.le($0.bitPattern) }))
        #expect(a.samples == f)
        let d: [Double] = [0.1, -0.75, 1e-10, 2]
        let b = try decode(WAVFile.simple(code: 3, bits: 64, payload: d.flatMap { WAVFile.le($0.bitPattern) }))
        #expect(b.samples == d.map { Float($0) })
    }

    @Test func g711InWAV() throws {
        let a = try decode(WAVFile.simple(code: 6, bits: 8, payload: [0xD5, 0x55, 0xAA]))
        #expect(a.samples == ([8, -8, 32256] as [Float]).map { $0 / 32768 })
        let u = try decode(WAVFile.simple(code: 7, bits: 8, payload: [0x00, 0x80, 0xFF, 0x7F]))
        #expect(u.samples == ([-32124, 32124, 0, 0] as [Float]).map { $0 / 32768 })
    }

    /// Code words against ITU-T G.711 Tables 1a/2a (decoder outputs scaled to 16 bits).
    @Test func g711CodeWords() {
        let ulaw: [UInt8: Int16] = [0x00: -32124, 0x80: 32124, 0xFF: 0, 0x7F: 0, 0xFE: 8, 0xF0: 120,
                                    0xEF: 132, 0xEE: 148, 0xDF: 396, 0x8F: 16764, 0x0F: -16764]
        for (code, value) in ulaw { #expect(G711.ulawToLinear(code) == value, "µ-law \(code)") }
        let alaw: [UInt8: Int16] = [0xD5: 8, 0x55: -8, 0xD4: 24, 0xDA: 248, 0xC5: 264, 0xF5: 528,
                                    0xAA: 32256, 0x2A: -32256, 0x80: 5504]
        for (code, value) in alaw { #expect(G711.alawToLinear(code) == value, "A-law \(code)") }
        for code in UInt8.min...UInt8.max {                   // polarity bit only flips the sign
            #expect(G711.alawToLinear(code) == -G711.alawToLinear(code ^ 0x80))
            #expect(G711.ulawToLinear(code) == -G711.ulawToLinear(code ^ 0x80))
        }
        // Positive µ-law characters 0x80…0xFF run from full scale down to 0; A-law magnitudes
        // rise with segment and step once the even bits are restored.
        let u = (0x80...0xFF).map { G711.ulawToLinear(UInt8($0)) }
        #expect(zip(u, u.dropFirst()).allSatisfy { $0 > $1 })
        let a = (0x80...0xFF).map { G711.alawToLinear(UInt8($0) ^ 0x55) }
        #expect(zip(a, a.dropFirst()).allSatisfy { $0 < $1 })
    }

    // MARK: layout

    @Test func extensibleSubformats() throws {
        let pcm = WAVFile.file(WAVFile.extensible(code: 1, channels: 2, bits: 16),
                               WAVFile.chunk("data", WAVFile.s16([16384, -16384])))
        #expect(try decode(pcm).samples == [0.5, -0.5])
        let float = WAVFile.file(WAVFile.extensible(code: 3, channels: 1, bits: 32),
                                 WAVFile.chunk("data", WAVFile.le(Float(0.75).bitPattern)))
        #expect(try decode(float).samples == [0.75])
        let ulaw = WAVFile.file(WAVFile.extensible(code: 7, channels: 1, bits: 8), WAVFile.chunk("data", [0x80]))
        #expect(try decode(ulaw).samples == [32124.0 / 32768])
        // Ambisonic B-format {00000001-0721-11D3-8644-C8C1CA000000}: not the KSDATAFORMAT family.
        let ambi = WAVFile.file(WAVFile.extensible(code: 1, channels: 4, bits: 16,
                                                   guidTail: [0, 0, 0x21, 0x07, 0xD3, 0x11, 0x86, 0x44, 0xC8, 0xC1, 0xCA, 0, 0, 0]),
                                WAVFile.chunk("data", []))
        #expect(throws: AudioError.unsupportedSubformat(path: "test.wav", guid: "{00000001-0721-11D3-8644-C8C1CA000000}")) {
            try decode(ambi)
        }
    }

    func ds64(riff: UInt64 = 0, data: UInt64, table: [(String, UInt64)] = []) -> [UInt8] {
        let entries = table.flatMap { Array($0.0.utf8) + WAVFile.le($0.1) }
        return WAVFile.chunk("ds64", WAVFile.le(riff) + WAVFile.le(data) + WAVFile.le(UInt64(0))
                             + WAVFile.le(UInt32(table.count)) + entries)
    }

    @Test func rf64AndBW64TakeSizesFromDS64() throws {
        let payload = WAVFile.s16([1000, -1000, 2000])
        for magic in ["RF64", "BW64"] {
            // 'bext' and 'data' say 0xFFFFFFFF: their sizes are in ds64 (table entry, data size).
            let bytes = WAVFile.file(ds64(data: 6, table: [("bext", 5)]),
                                     Array("bext".utf8) + WAVFile.le(UInt32.max) + [9, 9, 9, 9, 9, 0],
                                     WAVFile.fmt(code: 1, channels: 1, bits: 16),
                                     Array("data".utf8) + WAVFile.le(UInt32.max) + payload,
                                     WAVFile.chunk("LIST", [1, 2, 3, 4]), magic: magic, size: .max)
            #expect(try decode(bytes).samples == [1000, -1000, 2000].map { Float($0) / 32768 })
        }
        // Without ds64, 0xFFFFFFFF means "to the end of the file".
        let streaming = WAVFile.file(WAVFile.fmt(code: 1, channels: 1, bits: 16),
                                     Array("data".utf8) + WAVFile.le(UInt32.max) + payload, magic: "RF64", size: .max)
        #expect(try decode(streaming).frames == 3)
        let badTable = WAVFile.file(Array("ds64".utf8) + WAVFile.le(UInt32(28)) + [UInt8](repeating: 0, count: 24)
                                    + WAVFile.le(UInt32(1000)), magic: "RF64")
        #expect(throws: AudioError.malformed(path: "test.wav", reason: "the ds64 table of 1000 entries does not fit in the file")) {
            try decode(badTable)
        }
    }

    @Test func oddChunksArePaddedAndUnknownChunksSkipped() throws {
        // An odd 8-bit data chunk, its pad byte, then more chunks; fmt after data is accepted.
        let bytes = WAVFile.file(WAVFile.chunk("junk", [7]), WAVFile.chunk("data", [128, 255, 0]),
                                 WAVFile.chunk("cue ", [1, 2, 3, 4, 5]), WAVFile.fmt(code: 1, channels: 1, bits: 8))
        #expect(try decode(bytes).samples == [0, 127.0 / 128, -1])
    }

    @Test func streamingAndOversizedDataSizes() throws {
        let payload = WAVFile.s16([100, 200, 300, 400, 500]) + [0x7F]         // 2.5 stereo frames
        for size: UInt32 in [0, .max, 1_000_000] {
            let bytes = WAVFile.file(WAVFile.fmt(code: 1, channels: 2, bits: 16),
                                     Array("data".utf8) + WAVFile.le(size) + payload)
            let audio = try decode(bytes)
            #expect(audio.frames == 2 && audio.samples == [100, 200, 300, 400].map { Float($0) / 32768 }, "size \(size)")
        }
    }

    @Test func oneToEightChannelsAndDownMix() throws {
        for channels in 1...8 {
            let values = (0..<(3 * channels)).map { Int16($0 * 1000 - 4000) }
            let audio = try decode(WAVFile.simple(code: 1, channels: UInt16(channels), bits: 16, payload: WAVFile.s16(values)))
            #expect(audio.channels == channels && audio.frames == 3)
            #expect(audio.samples == values.map { Float($0) / 32768 })
            let means = (0..<3).map { f in
                Float((0..<channels).map { Double(values[f * channels + $0]) / 32768 }.reduce(0, +) / Double(channels))
            }
            #expect(audio.mono() == means)
        }
        let nine = WAVFile.simple(code: 1, channels: 9, bits: 16, payload: [])
        #expect(throws: AudioError.tooManyChannels(path: "test.wav", channels: 9, limit: 8)) { try decode(nine) }
        let stereo = DecodedAudio(samples: [1, 0, 0.25, 0.75, -1, -0.5], sampleRate: 8000, channels: 2)
        #expect(stereo.mono() == [0.5, 0.5, -0.75] && stereo.frames == 3)
    }

    // MARK: errors

    @Test func malformedAndUnsupportedFilesGiveTypedErrors() {
        let p = "clip.wav"
        func expectError(_ bytes: [UInt8], _ error: AudioError, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: error, sourceLocation: sourceLocation) { try decode(bytes, path: p) }
            #expect(error.description.contains(p), sourceLocation: sourceLocation)
        }
        expectError(Array("hello, this is not audio".utf8), .notWAV(path: p))
        expectError(WAVFile.file(WAVFile.chunk("data", [1, 2])), .malformed(path: p, reason: "no fmt chunk"))
        expectError(WAVFile.file(WAVFile.fmt(code: 1, channels: 1, bits: 16)), .malformed(path: p, reason: "no data chunk"))
        expectError(WAVFile.file(WAVFile.fmt(code: 1, channels: 1, bits: 16), WAVFile.chunk("LIST", [1, 2], size: 99)),
                    .malformed(path: p, reason: "no data chunk (the file ends inside the 'LIST' chunk)"))
        expectError(WAVFile.file(WAVFile.chunk("fmt ", [1, 0, 1, 0])),
                    .malformed(path: p, reason: "the fmt chunk is 4 bytes; at least 16 are needed"))
        expectError(Array(WAVFile.file(WAVFile.fmt(code: 1, channels: 1, bits: 16)).prefix(30)),
                    .malformed(path: p, reason: "the file ends inside the fmt chunk"))
        expectError(WAVFile.simple(code: 1, channels: 0, bits: 16, payload: []),
                    .malformed(path: p, reason: "the fmt chunk declares 0 channels"))
        expectError(WAVFile.simple(code: 1, rate: 0, bits: 16, payload: []),
                    .unsupportedSampleRate(path: p, rate: 0, range: SampleGuard.sampleRates))
        expectError(WAVFile.simple(code: 2, bits: 4, payload: []), .unsupportedEncoding(path: p, format: 2, bits: 4))
        expectError(WAVFile.simple(code: 1, bits: 12, payload: []), .unsupportedEncoding(path: p, format: 1, bits: 12))
        expectError(WAVFile.simple(code: 3, bits: 16, payload: []), .unsupportedEncoding(path: p, format: 3, bits: 16))
        expectError(WAVFile.simple(code: 7, bits: 16, payload: []), .unsupportedEncoding(path: p, format: 7, bits: 16))
        var badAlign = WAVFile.simple(code: 1, channels: 2, bits: 16, payload: [])
        badAlign[32] = 2                                                     // block align 4 → 2
        expectError(badAlign, .malformed(path: p, reason: "the block align is 2 bytes but 2 channels of 16-bit samples take 4"))
        let shortExt = WAVFile.file(WAVFile.chunk("fmt ", Array(WAVFile.extensible(code: 1, channels: 1, bits: 16)[8..<26])))
        expectError(shortExt, .malformed(path: p, reason: "the WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes; 40 are needed"))
    }

    // MARK: robustness


    static let fuzzSeeds: [[UInt8]] = [
        WAVFile.simple(code: 1, channels: 2, bits: 16, payload: WAVFile.s16([1, -2, 3, -4, 5, -6])),
        WAVFile.file(WAVFile.extensible(code: 3, channels: 1, bits: 32),
                     WAVFile.chunk("data", [0, 0, 0x80, 0x3F, 0, 0, 0, 0xBF])),
        WAVFile.file(WAVFile.chunk("ds64", WAVFile.le(UInt64(0)) + WAVFile.le(UInt64(3)) + WAVFile.le(UInt64(3))
                                   + WAVFile.le(UInt32(1)) + Array("LIST".utf8) + WAVFile.le(UInt64(1))),
                     Array("LIST".utf8) + WAVFile.le(UInt32.max) + [5, 0],
                     WAVFile.fmt(code: 7, channels: 1, bits: 8),
                     Array("data".utf8) + WAVFile.le(UInt32.max) + [0x80, 0x00, 0xFF], magic: "RF64", size: .max),
        WAVFile.simple(code: 1, channels: 3, bits: 24, payload: [UInt8](repeating: 0x55, count: 18)),
    ]

    /// Decoding any prefix or byte-mutated copy of a valid file ends in audio or an `AudioError`.
    @Test func truncationsAndMutationsNeverCrash() {
        var decoded = 0, failed = 0
        func attempt(_ bytes: [UInt8]) {
            do {
                let audio = try AudioDecoder.decode(bytes, path: "fuzz.wav", ffmpeg: nil)
                #expect((1...WAVDecoder.maxChannels).contains(audio.channels) && audio.sampleRate > 0)
                #expect(audio.samples.count == audio.frames * audio.channels && audio.mono().count == audio.frames)
                decoded += 1
            } catch {
                #expect(!error.description.isEmpty)
                failed += 1
            }
        }
        for seed in Self.fuzzSeeds {
            for length in 0...seed.count { attempt(Array(seed.prefix(length))) }
        }
        var rng = SplitMix64(state: 0x5EED)
        for i in 0..<2000 {
            var bytes = Self.fuzzSeeds[i % Self.fuzzSeeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                // Mostly the header and chunk headers, where the structure is.
                let index = Int.random(in: 0..<(Bool.random(using: &rng) ? min(48, bytes.count) : bytes.count), using: &rng)
                bytes[index] = Bool.random(using: &rng) ? .random(in: .min ... .max, using: &rng)
                                                        : bytes[index] ^ (1 << UInt8.random(in: 0...7, using: &rng))
            }
            if i % 7 == 0 { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) }
            attempt(bytes)
        }
        #expect(decoded > 100 && failed > 100)
    }
}

/// What `mood decode` writes reads back bit for bit, at the same rate and channel count.
@Test func float32WAVRoundTrip() throws {
    let samples: [Float] = [0, 0.5, -0.25, 1, -1, .leastNonzeroMagnitude]
    let bytes = WAVWriter.float32(samples: samples, sampleRate: 22050, channels: 2)
    let audio = try AudioDecoder.decode(bytes, path: "roundtrip.wav")
    #expect(audio.sampleRate == 22050 && audio.channels == 2)
    #expect(audio.samples.map(\.bitPattern) == samples.map(\.bitPattern))
}
