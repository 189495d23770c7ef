import Emotion
import Foundation
import Testing
import TestSupport

/// Frame features against librosa 0.11.0 (Tests/Golden/features, written by
/// Scripts/golden/make_feature_golden.py) on the golden clips and two music-like ones.
///
/// Definitions aligned with the references (librosa's arguments in the script's docstring):
/// sr 16000, hop 160, frames centred on t·160 with zeros outside the signal (center=True,
/// pad_mode="constant"); RMS and ZCR over 400 rectangular samples (librosa pads ZCR frames with
/// edge values, which add no crossings: we count pairs inside the signal and divide by 400);
/// centroid, roll-off (0.85) and flatness on a 400-sample periodic Hann window zero-padded to a
/// 512-point FFT (win_length=400, n_fft=512), centroid and roll-off on magnitudes, flatness on
/// unscaled power floored at 1e-10; chroma on the power of a 1024-sample Hann frame (n_fft=1024),
/// librosa's filterbank (ctroct 5, octwidth 2, column L2 norm, C first), tuning 0, each frame
/// divided by its largest class.
///
/// Tolerance: 1e-3 relative, max |ours − librosa| / max |librosa| per clip and feature (Compare.swift).
/// Both sides compute in float32 from the same float32 samples, so what remains is rounding
/// (~1e-6); roll-off is a bin frequency and would jump a whole bin (31.25 Hz of up to 8 kHz,
/// 4e-3) if a cumulative sum landed within rounding of its threshold, which these clips avoid.
@Suite struct GoldenFeatureTests {
    struct Manifest: Decodable {
        struct Clip: Decodable {
            var name: String
            var num_samples: Int
            var frames: Int
            var input: Golden.ArrayRef
            var rms: Golden.ArrayRef
            var zcr: Golden.ArrayRef
            var centroid: Golden.ArrayRef
            var rolloff: Golden.ArrayRef
            var flatness: Golden.ArrayRef
            var chroma: Golden.ArrayRef
        }
        var versions: [String: String]
        var clips: [Clip]
    }

    static func manifest() throws -> Manifest {
        let url = Golden.directory.appendingPathComponent("features/manifest.json")
        return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
    }

    @Test func framesMatchLibrosa() throws {
        let manifest = try Self.manifest()
        #expect(manifest.versions["librosa"] == "0.11.0")
        #expect(manifest.clips.count == 10)
        var worst: [String: Double] = [:]
        for clip in manifest.clips {
            let input = try Golden.floats(clip.input)
            let frames = try FeatureExtractor.analyze(input).frames
            #expect(frames.count == clip.frames, "\(clip.name): frame count")
            let pairs: [(String, [Float], Golden.ArrayRef)] = [
                ("rms", frames.rms, clip.rms), ("zcr", frames.zeroCrossingRate, clip.zcr),
                ("centroid", frames.spectralCentroid, clip.centroid),
                ("rolloff", frames.spectralRolloff, clip.rolloff),
                ("flatness", frames.spectralFlatness, clip.flatness), ("chroma", frames.chroma, clip.chroma),
            ]
            for (name, ours, ref) in pairs {
                let reference = try Golden.floats(ref)
                let d = Difference(ours, reference)
                print("\(clip.name) \(name) vs librosa: \(d)")
                #expect(d.relative <= 1e-3, "\(clip.name) \(name): \(d)")
                worst[name] = max(worst[name] ?? 0, d.relative)
            }
        }
        print("worst relative difference per feature:", worst.sorted { $0.key < $1.key }
            .map { "\($0.key) \(String(format: "%.1e", $0.value))" }.joined(separator: ", "))
    }
}
