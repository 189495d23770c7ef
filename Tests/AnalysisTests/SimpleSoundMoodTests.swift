@testable import Analysis
import Emotion
import Foundation
import Testing
import TestSupport

/// Issue 13's failures through the whole analysis, YAMNet off: a steady C-major triad was "sad"
/// at valence −0.41 (read as E minor, with a tempo it does not have, in the speech context), and
/// 6 s of silence had energy "medium".
@Suite struct SimpleSoundMoodTests {
    /// The analysis of `samples` written to a WAV file (the clips' folder lives while `clips` does).
    static func result(_ name: String, _ samples: [Float]) throws -> MoodResult {
        let clips = try Clips()
        let analyzer = MoodAnalyzer(yamnet: nil, classes: nil, emotion: MoodResultTests.emotion)
        return try withExtendedLifetime(clips) { try analyzer.analyze(path: clips.wav(name, samples), ffmpeg: nil) }
    }

    @Test func steadyMajorTriadIsPositive() throws {
        let samples = (0..<(12 * Clips.rate)).map { i in
            Float([60, 64, 67].reduce(0.0) { $0 + 0.15 * sin(2 * Double.pi * 440 * pow(2, Double($1 - 69) / 12) * Double(i) / Double(Clips.rate)) })
        }
        let r = try Self.result("c-major-triad", samples)
        print("C4+E4+G4: key \(r.features.key ?? "–"), tempo \(r.features.tempoBpm.map { "\($0)" } ?? "null"), "
              + "valence \(r.valence), arousal \(r.arousal), \(r.mood), context \(r.model.contextWeights)")
        #expect(r.features.key == "C major")
        #expect(r.features.tempoBpm == nil)
        #expect(r.valence > 0)
    }

    /// Digital silence and near-silence (a −80 dBFS hum): neutral, energy low, confidence ≤ 0.3.
    @Test func silenceAndNearSilenceAreLowEnergy() throws {
        for (name, samples) in [("silence", [Float](repeating: 0, count: 6 * Clips.rate)),
                                ("near-silence", (0..<(6 * Clips.rate)).map { Float(1e-4 * sin(Double($0) * 0.0785)) })] {
            let r = try Self.result(name, samples)
            print("\(name): \(r.mood), energy \(r.energyLevel), confidence \(r.confidence)")
            #expect(r.mood == .neutral && r.energyLevel == .low && r.confidence <= 0.3, "\(name)")
        }
    }
}
