@testable import AudioIO
import Foundation
import Testing

/// Test vectors and helpers: the committed vectors in Tests/Vectors/mp3 were made by
/// Scripts/audio-vectors/make_mp3_vectors.sh (the tiny-* ones); each NAME.mp3 has NAME.f32, FFmpeg's
/// float decode (`ffmpeg -i NAME.mp3 -f f32le -c:a pcm_f32le`).
enum MP3Vectors {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/mp3")

    /// name → (sample rate, channels) of the committed vectors.
    static let committed: [String: (rate: Int, channels: Int)] = [
        "tiny-castanets-128": (44100, 2),       // MPEG-1 CBR joint stereo, short blocks, LAME gapless
        "tiny-mixed-mpeg1-44k": (44100, 2),     // mixed blocks (rewritten mixed_block_flag)
        "tiny-mix-v5-32k": (32000, 1),          // MPEG-1 VBR mono
        "tiny-is-mpeg1-32k": (32000, 2),        // MPEG-1 intensity + mid/side stereo (rewritten)
        "tiny-mix-22k": (22050, 2),             // MPEG-2 LSF, no Info tag (frames too small)
        "tiny-is-mpeg2-22k": (22050, 2),        // MPEG-2 LSF intensity stereo (rewritten)
        "tiny-speech-8k": (8000, 1),            // MPEG-2.5
        "tiny-cut-speech-8k": (8000, 1),        // starts mid-stream: main_data_begin before the data
    ]

    static func bytes(_ name: String, in directory: URL = directory) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name + ".mp3")))
    }

    static func reference(_ name: String, in directory: URL = directory) throws -> [Float] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".f32"))
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    /// Signal-to-noise ratio of `x` against `reference`, in dB (infinite when equal).
    static func snr(_ x: [Float], _ reference: [Float]) -> Double {
        var signal = 0.0, noise = 0.0
        for (a, b) in zip(x, reference) {
            signal += Double(b) * Double(b)
            noise += (Double(a) - Double(b)) * (Double(a) - Double(b))
        }
        return noise == 0 ? .infinity : 10 * log10(signal / noise)
    }

    /// A reproducible pseudo-random generator (64-bit LCG).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }
}

@Suite struct MP3FrameHeaderTests {
    func header(_ b: [UInt8]) -> MP3FrameHeader? {
        b.withUnsafeBytes { MP3FrameHeader($0, at: 0) }
    }

    @Test func mpeg1JointStereo() throws {
        let h = try #require(header([0xFF, 0xFB, 0x90, 0x64]))
        #expect(h.version == .mpeg1 && !h.hasCRC && h.bitrate == 128_000 && h.sampleRate == 44100)
        #expect(h.mode == .jointStereo && h.msStereo && !h.intensityStereo && h.channels == 2)
        #expect(h.frameLength == 417 && h.sideInfoLength == 32 && h.mainDataOffset == 36)
        #expect(h.granules == 2 && h.samplesPerFrame == 1152 && h.bandIndex == 0)
        let padded = try #require(header([0xFF, 0xFB, 0x92, 0x74]))
        #expect(padded.frameLength == 418 && padded.msStereo && padded.intensityStereo)
    }

    @Test func crcAndMono() throws {
        let h = try #require(header([0xFF, 0xFA, 0xE8, 0xC0]))     // 320 kbit/s, 32 kHz, CRC, mono
        #expect(h.hasCRC && h.bitrate == 320_000 && h.sampleRate == 32000 && h.mode == .mono)
        #expect(h.frameLength == 1440 && h.sideInfoLength == 17 && h.mainDataOffset == 4 + 2 + 17)
        #expect(!h.msStereo && !h.intensityStereo && h.channels == 1)
    }

    @Test func lowerSamplingFrequencies() throws {
        let mpeg2 = try #require(header([0xFF, 0xF3, 0x48, 0xC4]))  // MPEG-2, 32 kbit/s, 16 kHz, mono
        #expect(mpeg2.version == .mpeg2 && mpeg2.isLSF && mpeg2.bitrate == 32000 && mpeg2.sampleRate == 16000)
        #expect(mpeg2.frameLength == 144 && mpeg2.sideInfoLength == 9 && mpeg2.samplesPerFrame == 576)
        let stereo = try #require(header([0xFF, 0xF3, 0xE0, 0x44]))  // MPEG-2, 160 kbit/s, 22.05 kHz
        #expect(stereo.sampleRate == 22050 && stereo.frameLength == 522 && stereo.sideInfoLength == 17)
        let mpeg25 = try #require(header([0xFF, 0xE3, 0x18, 0xC4]))  // MPEG-2.5, 8 kbit/s, 8 kHz
        #expect(mpeg25.version == .mpeg25 && mpeg25.sampleRate == 8000 && mpeg25.bitrate == 8000)
        #expect(mpeg25.frameLength == 72 && mpeg25.bandIndex == 8 && mpeg25.granules == 1)
        let mpeg25b = try #require(header([0xFF, 0xE3, 0x14, 0x00]))  // MPEG-2.5, 8 kbit/s, 12 kHz
        #expect(mpeg25b.sampleRate == 12000 && mpeg25b.frameLength == 48 && mpeg25b.sideInfoLength == 17)
        let mpeg25c = try #require(header([0xFF, 0xE3, 0x12, 0x00]))  // 11.025 kHz, padded
        #expect(mpeg25c.sampleRate == 11025 && mpeg25c.frameLength == 53)
    }

    @Test func invalidHeaders() {
        #expect(header([0xFF, 0xEB, 0x90, 0x64]) == nil)             // version 01 is reserved
        #expect(header([0xFF, 0xFD, 0x90, 0x64]) == nil)             // layer II
        #expect(header([0xFF, 0xFF, 0x90, 0x64]) == nil)             // layer I
        #expect(header([0xFF, 0xF9, 0x90, 0x64]) == nil)             // layer bits 00 are reserved
        #expect(header([0xFF, 0xFB, 0xF0, 0x64]) == nil)             // bitrate index 15
        #expect(header([0xFF, 0xFB, 0x00, 0x64]) == nil)             // free format: not decoded
        #expect(header([0xFF, 0xFB, 0x9C, 0x64]) == nil)             // sampling frequency 11
        #expect(header([0xFE, 0xFB, 0x90, 0x64]) == nil)             // no sync
        #expect(header([0xFF, 0xFB, 0x90]) == nil)                   // too short
    }

    @Test func streamKeyIgnoresPerFrameFields() throws {
        let a = try #require(header([0xFF, 0xFB, 0x90, 0x64])), b = try #require(header([0xFF, 0xFA, 0xB2, 0x00]))
        #expect(a.streamKey == b.streamKey)                          // CRC, bitrate, padding, stereo mode
        let mono = try #require(header([0xFF, 0xFB, 0x90, 0xC4])), rate = try #require(header([0xFF, 0xFB, 0x94, 0x64]))
        #expect(a.streamKey != mono.streamKey && a.streamKey != rate.streamKey)
    }
}

@Suite struct MP3TableTests {
    /// Each Huffman table of Table B.7 is a complete prefix code: Kraft sum exactly 1 (in integers:
    /// Σ 2^(L − len) = 2^L), no word a prefix of another, n² words for an n×n table; and every word
    /// decodes to its own (x, y).
    @Test func huffmanTablesAreCompletePrefixCodes() throws {
        var tables: [(name: String, words: [String], symbols: [Int])] = []
        for (number, table) in MP3HuffmanTables.pairTables {
            let words = table.words.split(whereSeparator: \.isWhitespace).map(String.init)
            #expect(words.count == table.size * table.size, "table \(number)")
            tables.append(("table \(number)", words, (0..<words.count).map { ($0 / table.size) << 4 | $0 % table.size }))
        }
        #expect(Set(MP3HuffmanTables.pairTables.keys) == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 24])
        for (name, text) in [("A", MP3HuffmanTables.tableA), ("B", MP3HuffmanTables.tableB)] {
            tables.append(("table \(name)", text.split(whereSeparator: \.isWhitespace).map(String.init), Array(0..<16)))
        }
        for table in tables {
            #expect(table.words.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 == "0" || $0 == "1" } }, "\(table.name)")
            let longest = table.words.map(\.count).max()!
            #expect(longest <= 19, "\(table.name)")
            let kraft = table.words.reduce(0) { $0 + (1 << (longest - $1.count)) }
            #expect(kraft == 1 << longest, "\(table.name): Kraft sum \(kraft) / 2^\(longest)")
            let sorted = table.words.sorted()
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { !$1.hasPrefix($0) }, "\(table.name) is not prefix-free")
            // Round trip: every word, followed by other bits, decodes to its symbol and length.
            let code = MP3HuffmanCode(words: table.words, symbols: table.symbols)
            for (word, symbol) in zip(table.words, table.symbols) {
                let bits = word + "1011001110001111000011111"
                var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8 + 8)
                for (i, c) in bits.enumerated() where c == "1" { bytes[i / 8] |= 0x80 >> (i % 8) }
                bytes.withUnsafeBufferPointer { b in
                    var r = MP3BitReader(b)
                    #expect(code.decode(&r) == symbol && r.position == word.count, "\(table.name) \(word)")
                }
            }
        }
        #expect(MP3Huffman.linbits[16...23] == [1, 2, 3, 4, 6, 8, 10, 13])
        #expect(MP3Huffman.linbits[24...31] == [4, 5, 6, 7, 8, 9, 11, 13])
        #expect(MP3Huffman.pairCodes[0] == nil && MP3Huffman.pairCodes[4] == nil && MP3Huffman.pairCodes[14] == nil)
    }

    @Test func scalefactorBandsCoverTheGranule() {
        for i in 0..<9 {
            #expect(MP3ScalefactorBands.longWidths[i].count == 22 && MP3ScalefactorBands.longWidths[i].reduce(0, +) == 576)
            #expect(MP3ScalefactorBands.shortWidths[i].count == 13 && MP3ScalefactorBands.shortWidths[i].reduce(0, +) == 192)
        }
        // Band edges as Table B.8 (MPEG-1) and 13818-3 Table B.2 print them.
        #expect(MP3ScalefactorBands.longStarts[0] == [0, 4, 8, 12, 16, 20, 24, 30, 36, 44, 52, 62, 74, 90, 110, 134,
                                                      162, 196, 238, 288, 342, 418, 576])
        #expect(MP3ScalefactorBands.longStarts[1] == [0, 4, 8, 12, 16, 20, 24, 30, 36, 42, 50, 60, 72, 88, 106, 128,
                                                      156, 190, 230, 276, 330, 384, 576])
        #expect(MP3ScalefactorBands.longStarts[2] == [0, 4, 8, 12, 16, 20, 24, 30, 36, 44, 54, 66, 82, 102, 126, 156,
                                                      194, 240, 296, 364, 448, 550, 576])
        #expect(MP3ScalefactorBands.shortStarts[0] == [0, 4, 8, 12, 16, 22, 30, 40, 52, 66, 84, 106, 136, 192])
        #expect(MP3ScalefactorBands.shortStarts[1] == [0, 4, 8, 12, 16, 22, 28, 38, 50, 64, 80, 100, 126, 192])
        #expect(MP3ScalefactorBands.shortStarts[2] == [0, 4, 8, 12, 16, 22, 30, 42, 58, 78, 104, 138, 180, 192])
        #expect(MP3ScalefactorBands.longStarts[3] == [0, 6, 12, 18, 24, 30, 36, 44, 54, 66, 80, 96, 116, 140, 168, 200,
                                                      238, 284, 336, 396, 464, 522, 576])
        #expect(MP3ScalefactorBands.shortStarts[4] == [0, 4, 8, 12, 18, 26, 36, 48, 62, 80, 104, 136, 180, 192])
        #expect(MP3ScalefactorBands.pretab == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 2, 0])
        // LSF partitions: 21 long slots, 36 short (band × window), 6 long + 27 short when mixed.
        for table in MP3Scalefactors.lsfPartitions {
            #expect(table[0].reduce(0, +) == 21 && table[1].reduce(0, +) == 36 && table[2].reduce(0, +) == 33)
        }
    }

    /// The window as Table B.3 prints it (nine decimals), and its symmetry.
    @Test func synthesisWindowMatchesTableB3() {
        let d = MP3SynthesisWindow.coefficients
        let printed: [(Int, Double)] = [(0, 0), (1, -0.000015259), (31, -0.000396729), (64, 0.003250122),
                                        (100, -0.010848999), (128, 0.031082153), (160, -0.078628540),
                                        (192, 0.100311279), (224, -0.572036743), (255, -1.144287109),
                                        (256, 1.144989014), (257, 1.144287109), (300, 0.246505737),
                                        (384, 0.031082153), (448, 0.003250122), (511, 0.000015259)]
        for (i, value) in printed { #expect(abs(Double(d[i]) - value) < 6e-10, "D[\(i)]") }
        for i in 1..<256 { #expect(d[512 - i] == (i % 64 == 0 ? d[i] : -d[i]), "D[\(512 - i)]") }
    }

    /// Escape-coded values whose requantized magnitude would reach +23 dBFS are zeroed (as FFmpeg
    /// does); smaller ones, and values under 15, follow the formula.
    @Test func requantizationFormulaAndEscapeLimit() {
        var g = MP3GranuleInfo()
        g.globalGain = 210 + 4                                      // 2^(4/4) = 2
        var values = [Int32](repeating: 0, count: 576)
        values[0] = 8; values[1] = -15; values[2] = 40; values[3] = -3
        var xr = [Float](repeating: 1, count: 576)
        values.withUnsafeBufferPointer { v in
            xr.withUnsafeMutableBufferPointer {
                MP3Requantize.requantize(v.baseAddress!, count: 4, granule: g, scalefactors: MP3Scalefactors(),
                                         bandIndex: 0, lsf: false, into: $0.baseAddress!)
            }
        }
        #expect(xr[0] == 32 && abs(xr[3] + 2 * Float(pow(3.0, 4.0 / 3))) < 1e-5)   // 8^(4/3) · 2 = 32
        #expect(xr[1] == 0 && xr[2] == 0)                            // 2·15^(4/3) ≈ 74, 2·40^(4/3) ≈ 274
        #expect(xr[4...].allSatisfy { $0 == 0 })
        g.globalGain = 210 - 16                                     // 2^-4: 15^(4/3)/16 ≈ 2.3
        values.withUnsafeBufferPointer { v in
            xr.withUnsafeMutableBufferPointer {
                MP3Requantize.requantize(v.baseAddress!, count: 4, granule: g, scalefactors: MP3Scalefactors(),
                                         bandIndex: 0, lsf: false, into: $0.baseAddress!)
            }
        }
        #expect(abs(xr[1] + Float(pow(15.0, 4.0 / 3)) / 16) < 1e-5 && abs(xr[2] - Float(pow(40.0, 4.0 / 3)) / 16) < 1e-4)
    }

    @Test func intensityStereoRatios() {
        let r = MP3Stereo.mpeg1Ratios
        #expect(r[0] == (0, 1) && r[6] == (1, 0) && abs(r[3].0 - 0.5) < 1e-7 && abs(r[3].1 - 0.5) < 1e-7)
        let lsf = MP3Stereo.lsfRatios
        #expect(lsf[0][0] == (1, 1) && lsf[1][0] == (1, 1))
        #expect(abs(lsf[0][1].0 - 0.840896415) < 1e-7 && lsf[0][1].1 == 1)   // io = 2^-1/4, position 1
        #expect(lsf[0][2].0 == 1 && abs(lsf[0][2].1 - 0.840896415) < 1e-7)   // position 2
        #expect(abs(lsf[1][3].0 - 0.5) < 1e-7 && lsf[1][4] == (1, 0.5))      // io = 2^-1/2
    }
}

@Suite struct MP3FilterBankTests {
    /// A reproducible pseudo-random sequence in [-1, 1).
    static func noise(_ count: Int, seed: UInt64) -> [Float] {
        var random = MP3Vectors.Random(state: seed)
        return (0..<count).map { _ in Float(Int(random.next() % (1 << 24)) - (1 << 23)) / Float(1 << 23) }
    }

    /// The DCT-II based matrixing equals the direct `N_ik` formula of §2.4.3.4.11.
    @Test func dct32MatchesDirectMatrixing() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let s = Self.noise(32, seed: seed)
            var x = s
            x.withUnsafeMutableBufferPointer { MP3DCT32.transform($0.baseAddress!) }
            let direct = MP3DCT32.directMatrixing(s)
            var v = [Double](repeating: 0, count: 64)
            for i in 0..<16 { v[i] = Double(x[16 + i]) }
            for i in 17..<48 { v[i] = -Double(x[48 - i]) }
            for i in 48..<64 { v[i] = -Double(x[i - 48]) }
            let err = zip(v, direct).map { abs($0 - $1) }.max()!
            #expect(err < 2e-5, "seed \(seed): \(err)")
        }
    }

    /// The whole filter (fast matrixing + window) equals a direct implementation of the
    /// standard's flow chart in Double over many slots, given in calls of 18, 18 and 4 slots.
    @Test func synthesisFilterMatchesStandardFlow() {
        let slots = 40, input = Self.noise(32 * slots, seed: 5)
        let filter = MP3SynthesisFilter()
        var output = [Float](repeating: 0, count: 32 * slots)
        var subbands = [Float](repeating: 0, count: MP3SynthesisFilter.inputCount)
        for (first, count) in [(0, 18), (18, 18), (36, 4)] {
            for t in 0..<count { for k in 0..<32 { subbands[18 * k + t] = input[32 * (first + t) + k] } }
            subbands.withUnsafeBufferPointer { i in
                output.withUnsafeMutableBufferPointer {
                    filter.filter(i.baseAddress!, slots: count, output: $0.baseAddress! + 32 * first)
                }
            }
        }
        var v = [Double](repeating: 0, count: 1024)
        let d = MP3SynthesisWindow.coefficients.map(Double.init)
        for t in 0..<slots {
            for i in stride(from: 1023, through: 64, by: -1) { v[i] = v[i - 64] }
            let matrixed = MP3DCT32.directMatrixing(Array(input[(32 * t)..<(32 * t + 32)]))
            for i in 0..<64 { v[i] = matrixed[i] }
            var u = [Double](repeating: 0, count: 512)
            for i in 0..<8 {
                for j in 0..<32 { u[64 * i + j] = v[128 * i + j]; u[64 * i + 32 + j] = v[128 * i + 96 + j] }
            }
            for j in 0..<32 {
                let s = (0..<16).reduce(0.0) { $0 + u[j + 32 * $1] * d[j + 32 * $1] }
                #expect(abs(s - Double(output[32 * t + j])) < 1e-4, "slot \(t) sample \(j)")
            }
        }
    }

    @Test func imdct36MatchesDirectFormula() {
        for type in [0, 1, 3] {
            let x = Self.noise(18, seed: UInt64(type + 7))
            var y = [Float](repeating: 0, count: 36)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { MP3IMDCT.imdct36(xp.baseAddress!, window: type, into: $0.baseAddress!) }
            }
            let w = MP3IMDCT.windows[type]
            for i in 0..<36 {
                var s = 0.0
                for k in 0..<18 { s += Double(x[k]) * cos(Double.pi / 72 * Double(2 * i + 1 + 18) * Double(2 * k + 1)) }
                #expect(abs(s * Double(w[i]) - Double(y[i])) < 1e-4, "type \(type) i \(i)")
            }
        }
    }

    /// The four-subband IMDCT (fast DCT-IV) equals the one-subband kernel lane by lane, windows included.
    @Test func imdct36x4MatchesImdct36() {
        for type in [0, 1, 3] {
            let x = Self.noise(4 * 18, seed: UInt64(type + 40))
            var y = [Float](repeating: 0, count: 4 * 36), single = [Float](repeating: 0, count: 36)
            x.withUnsafeBufferPointer { xp in
                MP3IMDCT.windowTable.withUnsafeBufferPointer { w in
                    y.withUnsafeMutableBufferPointer {
                        MP3IMDCT36x4.transform(xp.baseAddress!, window: w.baseAddress! + 36 * type, into: $0.baseAddress!)
                    }
                }
                for lane in 0..<4 {
                    single.withUnsafeMutableBufferPointer { MP3IMDCT.imdct36(xp.baseAddress! + 18 * lane, window: type, into: $0.baseAddress!) }
                    for i in 0..<36 { #expect(abs(y[4 * i + lane] - single[i]) < 1e-5, "type \(type) lane \(lane) i \(i)") }
                }
            }
        }
    }

    @Test func imdctShortMatchesDirectFormula() {
        let x = Self.noise(18, seed: 99)
        var y = [Float](repeating: 0, count: 36)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { MP3IMDCT.imdctShort(xp.baseAddress!, into: $0.baseAddress!) } }
        var expected = [Double](repeating: 0, count: 36)
        for w in 0..<3 {
            for i in 0..<12 {
                var s = 0.0
                for k in 0..<6 { s += Double(x[3 * k + w]) * cos(Double.pi / 24 * Double(2 * i + 1 + 6) * Double(2 * k + 1)) }
                expected[6 + 6 * w + i] += s * sin(Double.pi / 12 * (Double(i) + 0.5))
            }
        }
        for i in 0..<36 { #expect(abs(expected[i] - Double(y[i])) < 1e-4, "i \(i)") }
    }

    @Test func windowsFollowTheStandard() {
        let w = MP3IMDCT.windows
        #expect(w[1][18..<24].allSatisfy { $0 == 1 } && w[1][30...].allSatisfy { $0 == 0 })
        #expect(w[3][0..<6].allSatisfy { $0 == 0 } && w[3][12..<18].allSatisfy { $0 == 1 })
        #expect(zip(w[1][0..<18], w[0][0..<18]).allSatisfy(==) && zip(w[3][18...], w[0][18...]).allSatisfy(==))
        #expect(w[2].count == 12 && abs(w[2][0] - Float(sin(Double.pi / 24))) < 1e-7)
        let c = MP3IMDCT.aliasCoefficients
        #expect(c.allSatisfy { abs($0.cs * $0.cs + $0.ca * $0.ca - 1) < 1e-6 } && c[0].ca < 0)
    }
}

@Suite struct MP3DecoderTests {
    /// Every committed vector decodes to FFmpeg's sample count exactly and within 80 dB SNR, through
    /// `AudioDecoder` (format detection and dispatch) as through `MP3Decoder`.
    @Test func committedVectorsMatchFFmpeg() throws {
        for (name, format) in MP3Vectors.committed.sorted(by: { $0.key < $1.key }) {
            let bytes = try MP3Vectors.bytes(name), reference = try MP3Vectors.reference(name)
            #expect(AudioFormat.detect(bytes) == .mp3, "\(name)")
            let (audio, report) = try MP3Decoder.decodeWithReport(bytes, path: name)
            #expect(audio.sampleRate == format.rate && audio.channels == format.channels, "\(name)")
            #expect(audio.samples.count == reference.count, "\(name): \(audio.samples.count) vs \(reference.count)")
            let snr = MP3Vectors.snr(audio.samples, reference)
            #expect(snr >= 80, "\(name): \(snr) dB")
            #expect(report.framesSkipped == 0 && report.bytesSkipped == 0, "\(name)")
            #expect(try AudioDecoder.decode(bytes, path: name) == audio, "\(name)")
        }
    }

    /// The committed vectors cover what they claim: short, mixed, mid/side and intensity stereo.
    @Test func committedVectorsCoverTheCodingTools() throws {
        func report(_ name: String) throws -> MP3Decoder.Report {
            try MP3Decoder.decodeWithReport(MP3Vectors.bytes(name), path: name).report
        }
        let castanets = try report("tiny-castanets-128")
        #expect(castanets.blockTypes[1] > 0 && castanets.blockTypes[2] > 0 && castanets.blockTypes[3] > 0)
        #expect(castanets.header?.encoderDelay == 576 && castanets.header?.frames != nil)
        #expect(try report("tiny-mixed-mpeg1-44k").blockTypes[4] > 0)
        let is1 = try report("tiny-is-mpeg1-32k"), is2 = try report("tiny-is-mpeg2-22k")
        #expect(is1.intensityFrames > 0 && is1.msFrames > 0 && is2.intensityFrames > 0)
        #expect(try report("tiny-mix-22k").msFrames > 0)
        // The first frame's main data starts before the file does: decoded, as silence.
        let cut = try MP3Decoder.decodeWithReport(MP3Vectors.bytes("tiny-cut-speech-8k"), path: "cut")
        #expect(cut.report.framesSkipped == 0 && cut.audio.samples[..<576].allSatisfy { $0 == 0 })
        #expect(try report("tiny-mix-22k").header == nil)
    }

    /// Every vector of a set made by the script, when `MP3_VECTOR_DIR` names one; prints each SNR.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MP3_VECTOR_DIR"] != nil,
                   "set MP3_VECTOR_DIR to a directory made by Scripts/audio-vectors/make_mp3_vectors.sh"))
    func generatedVectorsMatchFFmpeg() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MP3_VECTOR_DIR"]!)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".mp3") }.map { String($0.dropLast(4)) }.sorted()
        var failed: [String] = []
        for name in names {
            let reference = try MP3Vectors.reference(name, in: directory)
            let (audio, report) = try MP3Decoder.decodeWithReport(MP3Vectors.bytes(name, in: directory), path: name)
            let snr = audio.samples.count == reference.count ? MP3Vectors.snr(audio.samples, reference) : -.infinity
            let line = "\(name): \(String(format: "%.1f", snr)) dB, \(audio.frames) samples × \(audio.channels) at "
                + "\(audio.sampleRate) Hz, blocks \(report.blockTypes), ms \(report.msFrames), is \(report.intensityFrames)"
            print(line)
            if snr < 80 { failed.append(line + " (reference \(reference.count / max(audio.channels, 1)) samples)") }
        }
        print("MP3 vectors: \(names.count - failed.count) of \(names.count) at 80 dB or more")
        #expect(!names.isEmpty && failed.isEmpty, "\(failed)")
    }

    // MARK: streams around the frames

    static func id3v2(footer: Bool, size: Int = 300) -> [UInt8] {
        let syncsafe = (0..<4).map { UInt8((size >> (7 * (3 - $0))) & 0x7F) }
        let body = [UInt8]("TIT2".utf8) + [0, 0, 0, 6, 0, 0, 3] + [UInt8]("Title".utf8)
        let padded = body + [UInt8](repeating: 0, count: size - body.count)
        return [0x49, 0x44, 0x33, 4, 0, footer ? 0x10 : 0] + syncsafe + padded
            + (footer ? [0x33, 0x44, 0x49, 4, 0, 0x10] + syncsafe : [])
    }

    static func apev2() -> [UInt8] {
        func le(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let item = le(5) + le(0) + [UInt8]("Title".utf8) + [0] + [UInt8]("hello".utf8)
        func block(_ flags: UInt32) -> [UInt8] {
            [UInt8]("APETAGEX".utf8) + le(2000) + le(UInt32(item.count + 32)) + le(1) + le(flags) + [UInt8](repeating: 0, count: 8)
        }
        return block(0xA000_0000) + item + block(0x8000_0000)
    }

    static let id3v1: [UInt8] = [UInt8]("TAG".utf8) + [UInt8](repeating: 0x41, count: 125)

    @Test func tagsAreSkipped() throws {
        let bytes = try MP3Vectors.bytes("tiny-castanets-128")
        let plain = try MP3Decoder.decode(bytes, path: "plain")
        let wrapped = Self.id3v2(footer: true) + Self.id3v2(footer: false, size: 40) + bytes
            + Self.apev2() + Self.id3v1
        #expect(AudioFormat.detect(wrapped) == .mp3)
        let (audio, report) = try MP3Decoder.decodeWithReport(wrapped, path: "wrapped")
        #expect(audio == plain && report.bytesSkipped == 0)
        let reordered = bytes + Self.id3v1 + Self.apev2()                  // APE after ID3v1
        #expect(try MP3Decoder.decode(reordered, path: "reordered") == plain)
    }

    /// Frame boundaries of a vector: (offset, length) of each frame.
    static func frames(_ bytes: [UInt8]) -> [(offset: Int, length: Int)] {
        var result: [(Int, Int)] = [], offset = 0
        while let h = bytes.withUnsafeBytes({ MP3FrameHeader($0, at: offset) }), offset + h.frameLength <= bytes.count {
            result.append((offset, h.frameLength))
            offset += h.frameLength
        }
        return result
    }

    @Test func junkBetweenFramesIsSkipped() throws {
        let bytes = try MP3Vectors.bytes("tiny-castanets-128")
        let plain = try MP3Decoder.decode(bytes, path: "plain")
        let frames = Self.frames(bytes)
        #expect(frames.count > 6)
        var random = MP3Vectors.Random(state: 42)
        var junk = (0..<300).map { _ in UInt8(random.below(256)) }
        junk[10] = 0xFF; junk[11] = 0xFB; junk[12] = 0x90; junk[13] = 0x64   // a false sync word
        let cut = frames[4].offset
        let damaged = [UInt8](repeating: 0x55, count: 77) + bytes[..<cut] + junk + bytes[cut...] + [1, 2, 3]
        let (audio, report) = try MP3Decoder.decodeWithReport(damaged, path: "junk")
        #expect(audio == plain, "the frames after the junk decode as before (the reservoir carries over)")
        #expect(report.bytesSkipped == 77 + 300 + 3 && report.framesSkipped == 0)
    }

    @Test func undecodableFramesAreSkipped() throws {
        let bytes = try MP3Vectors.bytes("tiny-castanets-128")
        let plain = try MP3Decoder.decodeWithReport(bytes, path: "plain")
        var broken = bytes
        let frame = Self.frames(bytes)[5]
        // big_values of granule 0, channel 0 to 511 (over 288): bits 21…29 after the 4-byte header.
        let bit = 32 + 9 + 3 + 8 + 12
        for k in 0..<9 { broken[frame.offset + (bit + k) / 8] |= 0x80 >> ((bit + k) % 8) }
        let (audio, report) = try MP3Decoder.decodeWithReport(broken, path: "broken")
        #expect(report.framesSkipped == 1 && report.framesDecoded == plain.report.framesDecoded - 1)
        #expect(audio.frames == plain.audio.frames - 1152)
        #expect(audio.samples.allSatisfy { $0.isFinite })
    }

    @Test func nothingDecodableIsATypedError() {
        for bytes: [UInt8] in [[], [0xFF, 0xFB, 0x90], [UInt8](repeating: 0xFF, count: 5000),
                               [UInt8](repeating: 0, count: 1000), [0xFF, 0xFB, 0x00, 0x64] + [UInt8](repeating: 0, count: 600)] {
            #expect(throws: AudioError.self) { try MP3Decoder.decode(bytes, path: "x.mp3") }
        }
        do {
            _ = try MP3Decoder.decode([0xFF, 0xFB, 0x00, 0x64] + [UInt8](repeating: 0, count: 600), path: "free.mp3")
        } catch {
            #expect(error == .malformedMP3(path: "free.mp3", reason: "free-format streams (bitrate index 0) are not supported"))
        }
    }

    /// FFmpeg's trimming: delay + 529 from the start; frames reaching past frames·n − padding + 529
    /// lose their end; a frame the start skip already shortened keeps a longer end cut.
    @Test func gaplessTrimming() {
        func trimmed(frames: Int, decoded: Int, n: Int, delay: Int, padding: Int) -> Int {
            var trim = MP3GaplessTrim(header: .init(frames: frames, encoderDelay: delay, encoderPadding: padding), frameLength: n)
            var samples: [Float] = []
            for p in 0..<decoded { samples += trim.keep(packet: p).map { Float(p * n + $0) } }
            #expect(samples.first == Float(delay + 529))
            return samples.count
        }
        #expect(trimmed(frames: 10, decoded: 10, n: 1152, delay: 576, padding: 1000) == 10 * 1152 - 576 - 1000)
        // Padding under 529: the samples still owed lie past the last frame, so only the skip applies.
        #expect(trimmed(frames: 40, decoded: 40, n: 576, delay: 576, padding: 300) == 40 * 576 - 1105)
        #expect(trimmed(frames: 3, decoded: 3, n: 576, delay: 576, padding: 560) == 3 * 576 - 1105 - 31)
        // An LSF frame both skipped into and due a longer cut than it has left: FFmpeg keeps it.
        #expect(trimmed(frames: 2, decoded: 2, n: 576, delay: 576, padding: 600) == 2 * 576 - 1105)
        // Frames beyond the announced count are kept whole.
        #expect(trimmed(frames: 10, decoded: 12, n: 1152, delay: 576, padding: 1000) == 12 * 1152 - 1105 - 471)
    }

    // MARK: robustness

    /// Every truncation of a tiny file decodes to audio or a typed error.
    @Test(.timeLimit(.minutes(5))) func everyTruncation() throws {
        for (name, size) in [("tiny-speech-8k", 1296), ("tiny-castanets-128", 1700)] {
            let bytes = Array(try MP3Vectors.bytes(name).prefix(size))
            var decoded = 0
            for length in 0...bytes.count {
                do {
                    let audio = try MP3Decoder.decode(Array(bytes[..<length]), path: name)
                    #expect(audio.samples.allSatisfy { $0.isFinite })
                    decoded += 1
                } catch {
                    #expect(error.description.contains(name))
                }
            }
            #expect(decoded > bytes.count / 2, "\(name)")
        }
    }

    /// 2000 seeded random mutations (byte overwrites, bit flips, inserted and deleted runs) of tiny
    /// files decode to audio or a typed error, without hanging.
    @Test(.timeLimit(.minutes(5))) func seededMutations() throws {
        // The first kilobyte or so of each (a few frames) keeps the 2000 decodes quick in debug builds.
        let sources = try ["tiny-castanets-128", "tiny-is-mpeg2-22k", "tiny-speech-8k", "tiny-mixed-mpeg1-44k",
                           "tiny-is-mpeg1-32k"].map { Array(try MP3Vectors.bytes($0).prefix(1300)) }
        var random = MP3Vectors.Random(state: 2024)
        var decoded = 0
        for trial in 0..<2000 {
            var bytes = sources[trial % sources.count]
            for _ in 0..<(1 + random.below(12)) {
                let at = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes[at] = UInt8(random.below(256))
                case 1: bytes[at] ^= 1 << random.below(8)
                case 2: bytes.insert(contentsOf: (0..<random.below(40)).map { _ in UInt8(random.below(256)) }, at: at)
                default: bytes.removeSubrange(at..<min(bytes.count, at + random.below(40)))
                }
                if bytes.isEmpty { break }
            }
            do {
                let audio = try MP3Decoder.decode(bytes, path: "mutation \(trial)")
                #expect(audio.channels >= 1 && audio.samples.count % audio.channels == 0)
                decoded += 1
            } catch {
                #expect(error.description.contains("mutation \(trial)"))
            }
        }
        #expect(decoded > 1000)
    }
}
