@testable import Analysis
import Emotion
import Foundation
import Testing
import TestSupport
import YAMNet

/// `MoodAnalyzer`'s results validate against Schemas/mood-result.schema.json on every test clip,
/// with YAMNet (seeded test weights) and without it.
@Suite struct MoodResultTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var schema: JSONSchema { try! JSONSchema(path: repo.appendingPathComponent("Schemas/mood-result.schema.json").path) }
    static let emotion = try! EmotionModel(path: repo.appendingPathComponent("Weights/emotion.bin").path)

    /// YAMNet with the golden tests' seeded weights (random but fixed: its classes mean nothing,
    /// the plumbing is what is tested).
    static func seeded() -> (YAMNet, ClassMap) {
        (try! YAMNet(weights: YAMNet.Weights(path: SeededWeights.goldenFile)),
         try! ClassMap(path: repo.appendingPathComponent("Weights/yamnet_class_map.csv").path))
    }

    static func analyzers() -> [(String, MoodAnalyzer)] {
        let (yamnet, classes) = seeded()
        return [("with YAMNet", MoodAnalyzer(yamnet: yamnet, classes: classes, emotion: emotion)),
         ("without YAMNet", MoodAnalyzer(yamnet: nil, classes: nil, emotion: emotion))]
    }

    /// The clips: the samples, synthesized music, silence, a 0.4 s blip, clipped noise, and
    /// espeak-ng speech when installed.
    static func clips(_ c: Clips) throws -> [String] {
        var lcg: UInt32 = 7
        let noise = (0..<48000).map { _ -> Float in lcg = lcg &* 1_664_525 &+ 1_013_904_223; return Float(Int32(bitPattern: lcg)) / 0x1p30 }
        var paths = [repo.appendingPathComponent("Samples/speech.wav").path, repo.appendingPathComponent("Samples/tone.wav").path,
                     try c.wav("music", Clips.progression(tonic: 60, major: true)),
                     try c.wav("silence", [Float](repeating: 0, count: 48000)),
                     try c.wav("blip", (0..<6400).map { Float(0.3 * sin(Double($0) * 0.2)) }),
                     try c.wav("clipped", noise.map { min(max($0, -1), 1) })]
        if Clips.espeak != nil { paths.append(try c.speech("espeak", "Mood engine reads the room, one patch at a time.", [])) }
        return paths
    }

    @Test func resultsValidateAgainstTheSchema() throws {
        let c = try Clips(), schema = Self.schema
        for path in try Self.clips(c) {
            for (label, analyzer) in Self.analyzers() {
                let result = try analyzer.analyze(path: path)
                let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result))
                let errors = schema.errors(json)
                #expect(errors.isEmpty, "\((path as NSString).lastPathComponent) \(label): \(errors)")
                let object = json as! [String: Any]
                for key in ["mood", "emotion", "energy_level", "confidence", "sound_classification", "yamnet_confidence", "emotion_confidence"] {
                    #expect(object.keys.contains(key), "\(key) missing")         // present, even when null
                }
                if analyzer.yamnet == nil {
                    #expect(object["sound_classification"] is NSNull && result.topSounds.isEmpty)
                    #expect(result.warnings.contains { $0.hasPrefix("YAMNet weights are not loaded") })
                } else {
                    #expect(result.topSounds.count == 5 && result.soundClassification == result.topSounds[0].label)
                }
                #expect(result.timeline.count == max(1, Int((result.durationS / 5).rounded(.up))), "\(result.timeline.count) segments")
            }
        }
    }

    /// The schema check itself: a wrong enum, a missing key, an out-of-range number and an extra
    /// key are each caught.
    @Test func theValidatorCatchesViolations() throws {
        let c = try Clips()
        let result = try MoodAnalyzer(yamnet: nil, classes: nil, emotion: Self.emotion).analyze(path: try c.wav("tone", Clips.progression(tonic: 62, major: false, times: 1)))
        let good = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
        #expect(Self.schema.errors(good).isEmpty)
        for (key, value) in [("mood", "ecstatic" as Any), ("confidence", 1.5), ("extra", 1), ("timeline", [["start_s": 0]])] {
            var bad = good
            bad[key] = value
            #expect(!Self.schema.errors(bad).isEmpty, "\(key)")
        }
        var missing = good
        missing["emotion"] = nil
        #expect(Self.schema.errors(missing) == ["$: missing emotion"])
    }
}
