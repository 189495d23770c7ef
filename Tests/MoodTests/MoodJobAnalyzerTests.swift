import Analysis
import AudioIO
import Emotion
import Foundation
import Testing
import TestSupport
@testable import mood
import Worker
import YAMNet

/// The product's analysis as a job's, on the seeded YAMNet weights and the emotion model: the
/// result is `MoodAnalyzer`'s, as JSON; bad input throws the decoder's error.
@Suite struct MoodJobAnalyzerTests {
    static let root = Golden.directory.deletingLastPathComponent().deletingLastPathComponent()
    static let tone = root.appendingPathComponent("Samples/tone.wav").path

    static func analyzer() throws -> MoodAnalyzer {
        MoodAnalyzer(yamnet: try YAMNet(weights: YAMNet.Weights(path: SeededWeights.goldenFile), maxBatch: 4),
                     classes: try ClassMap(path: root.appendingPathComponent("Weights/yamnet_class_map.csv").path),
                     emotion: try EmotionModel(path: root.appendingPathComponent("Weights/emotion.bin").path))
    }

    @Test func resultIsTheMoodResult() throws {
        let jobs = MoodJobAnalyzer(analyzers: [try Self.analyzer(), try Self.analyzer()])
        let result = try jobs.analyze(path: Self.tone)
        let expected = try Self.analyzer().analyze(path: Self.tone)
        let direct = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(expected))
        #expect(Self.close(.object(result), direct), "\(result)\n\(direct)")
        for key in ["mood", "emotion", "energy_level", "confidence", "sound_classification", "yamnet_confidence", "emotion_confidence"] {
            #expect(result[key] != nil && result[key] != .null, "\(key)")
        }
    }

    /// Equal, numbers within 1e-12 relative: the emotion model's context weights are summed in
    /// dictionary order, which varies from run to run in the last ulp.
    static func close(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(close)
        case (.object(let x), .object(let y)): return x.keys == y.keys && x.allSatisfy { close($0.value, y[$0.key]!) }
        default: return a == b
        }
    }

    @Test func badAudioThrowsTheDecodersError() throws {
        let jobs = MoodJobAnalyzer(analyzers: [try Self.analyzer()])
        let path = NSTemporaryDirectory() + "mood-not-audio-\(UUID().uuidString)"
        try Data("this is not audio".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: AudioStreamError.self) { try jobs.analyze(path: path) }
        #expect(try jobs.analyze(path: Self.tone)["mood"] != nil)      // still usable after a failure
    }
}
