@testable import Analysis
import Emotion
import Foundation
import Testing
import TestSupport

/// `MoodAnalyzer` reports the emotion model's confidence as it is: on weak evidence the cap is
/// applied once (exactly the table's cap with YAMNet, cap × the no-YAMNet factor without), and the
/// warnings use the table's evidence rules.
@Suite struct ConfidenceTests {
    @Test func weakEvidenceGivesExactlyTheCapOnce() throws {
        let c = try Clips(), emotion = MoodResultTests.emotion
        let silence = try c.wav("silence", [Float](repeating: 0, count: 48000))
        let blip = try c.wav("blip", (0..<6400).map { Float(0.3 * sin(Double($0) * 0.2)) })   // 0.4 s
        for path in [silence, blip] {
            for (label, analyzer) in MoodResultTests.analyzers() {
                let result = try analyzer.analyze(path: path)
                let factor = analyzer.yamnet == nil ? emotion.noYAMNetConfidence : 1
                #expect(result.emotionConfidence == emotion.weakEvidenceCap, "\(label)")
                #expect(result.confidence == emotion.weakEvidenceCap * factor, "\(label): \(result.confidence)")
                #expect(result.mood == .neutral && result.arousal == 0 && result.valence == 0)
            }
        }
        let short = try MoodAnalyzer(yamnet: nil, classes: nil, emotion: emotion).analyze(path: blip).warnings
        #expect(short.contains { $0.hasPrefix("too short: 0.40 s of audio (at least 1 s") }, "\(short)")
        let silent = try MoodAnalyzer(yamnet: nil, classes: nil, emotion: emotion).analyze(path: silence).warnings
        #expect(silent.contains { $0.hasPrefix("mostly silence: 100%") }, "\(silent)")
    }
}
