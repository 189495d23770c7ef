import AudioIO
import Foundation
import TestSupport

/// The formats with a native decoder, each with its own mutations.
enum Family: String, CaseIterable, Sendable {
    case wav = "WAV", flac = "FLAC", mp3 = "MP3"

    var mutations: [Mutation] {
        switch self {
        case .wav: WAVMutations.all + SampleMutations.weighted
        case .flac: FLACMutations.all
        case .mp3: MP3Mutations.all
        }
    }
}

/// A valid file that inputs are mutated from.
struct Seed: Sendable {
    let name: String
    let family: Family
    let bytes: [UInt8]
}

enum Seeds {
    /// The committed vectors (`Tests/Vectors/flac/*.flac`, `Tests/Vectors/mp3/*.mp3`,
    /// `Samples/*.wav`) under `root`, the WAVs of `synthesizedWAVs` and the hostile corpus
    /// (`HostileFiles`: extreme values and rates, lying headers).
    static func load(root: URL) throws -> [Family: [Seed]] {
        var seeds: [Family: [Seed]] = [.wav: synthesizedWAVs()]
        for file in HostileFiles.all {
            guard let family = Family.allCases.first(where: { file.name.hasSuffix("." + $0.rawValue.lowercased()) }) else { continue }
            seeds[family, default: []].append(Seed(name: "hostile " + file.name, family: family, bytes: file.bytes))
        }
        for (family, folder, ext) in [(Family.flac, "Tests/Vectors/flac", "flac"), (.mp3, "Tests/Vectors/mp3", "mp3"),
                                      (.wav, "Samples", "wav")] {
            let directory = root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix("." + ext) {
                let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
                seeds[family, default: []].append(Seed(name: name, family: family, bytes: bytes))
            }
        }
        return seeds
    }

    /// Small WAVs in every encoding the decoder reads, plain and WAVE_FORMAT_EXTENSIBLE, RIFF,
    /// RF64 (sizes in ds64) and BW64, with odd and unknown chunks and a streaming (0) data size.
    static func synthesizedWAVs() -> [Seed] {
        var rng = SplitMix64(state: 0x5EED_FA7)
        func payload(_ bytes: Int) -> [UInt8] { rng.bytes(bytes) }
        let f = WAVFile.self
        let ds64 = f.chunk("ds64", f.le(UInt64(0)) + f.le(UInt64(2 * 301)) + f.le(UInt64(301)) + f.le(UInt32(1))
                           + Array("LIST".utf8) + f.le(UInt64(4)))
        let files: [(String, [UInt8])] = [
            ("u8 mono", f.simple(code: 1, rate: 8000, bits: 8, payload: payload(401))),
            ("s16 stereo", f.simple(code: 1, channels: 2, rate: 44100, bits: 16, payload: payload(4 * 300))),
            ("s24 mono", f.simple(code: 1, rate: 48000, bits: 24, payload: payload(3 * 300))),
            ("s32 stereo", f.simple(code: 1, channels: 2, rate: 96000, bits: 32, payload: payload(8 * 200))),
            ("float32 3 channels", WAVWriter.float32(samples: (0..<900).map { Float($0 % 97) / 97 - 0.5 },
                                                     sampleRate: 22050, channels: 3)),
            ("float64 mono", f.simple(code: 3, rate: 16000, bits: 64,
                                      payload: (0..<300).flatMap { f.le((Double($0) / 300 - 0.5).bitPattern) })),
            ("A-law mono", f.simple(code: 6, rate: 8000, bits: 8, payload: payload(500))),
            ("µ-law stereo", f.simple(code: 7, channels: 2, rate: 8000, bits: 8, payload: payload(600))),
            ("extensible s16 6 channels", f.file(f.extensible(code: 1, channels: 6, rate: 48000, bits: 16),
                                                 f.chunk("data", payload(12 * 100)))),
            ("extensible float32 8 channels", f.file(f.extensible(code: 3, channels: 8, rate: 32000, bits: 32),
                                                     f.chunk("LIST", [1]), f.chunk("data", payload(32 * 50)))),
            ("RF64 with a ds64 table", f.file(ds64, Array("LIST".utf8) + f.le(UInt32.max) + [1, 2, 3, 4],
                                             f.fmt(code: 1, channels: 1, bits: 16),
                                             Array("data".utf8) + f.le(UInt32.max) + payload(2 * 301),
                                             magic: "RF64", size: .max)),
            ("BW64 s24 stereo", f.file(f.chunk("ds64", f.le(UInt64(0)) + f.le(UInt64(6 * 150)) + f.le(UInt64(150)) + f.le(UInt32(0))),
                                       f.fmt(code: 1, channels: 2, bits: 24),
                                       Array("data".utf8) + f.le(UInt32.max) + payload(6 * 150), magic: "BW64", size: .max)),
            ("streaming data size 0", f.file(f.fmt(code: 1, channels: 2, bits: 16),
                                             Array("data".utf8) + f.le(UInt32(0)) + payload(4 * 250 + 1))),
        ]
        return files.map { Seed(name: "synthesized " + $0.0, family: .wav, bytes: $0.1) }
    }
}
