@testable import Emotion
import Foundation
import Testing

/// The emotion model as exported from Weights/emotion.tsv: it loads, every cue moves its dimension
/// in the direction the literature gives, labels follow the circumplex, and weak evidence is neutral.
@Suite struct EmotionModelTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Weights/emotion.bin").path
    static let model = try! EmotionModel(path: path)

    /// Typical speech: every speech cue at its table mean.
    static var typicalSpeech: [String: Double] {
        var cues: [String: Double] = ["voiced_fraction": 0.6, "tempo_confidence": 0]
        for cue in model.cues[.speech]!.values.joined() { cues[cue.feature] = cue.mean }
        return cues
    }

    /// YAMNet's 521 display names, from the class map (the last field of each line, unquoted).
    static let classNames: [String] = {
        let url = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("yamnet_class_map.csv")
        return try! String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst().map { line in
            let name = line.split(separator: ",", maxSplits: 2)[2]
            return String(name.hasPrefix("\"") ? name.dropFirst().dropLast() : name)
        }
    }()

    static let classIndex = EmotionInput.classIndex(classNames)

    /// The estimate with YAMNet's mean scores set for the classes named in `yamnet` (others 0).
    static func estimate(_ cues: [String: Double], yamnet: [String: Double]? = nil, evidence: Double = 1) -> EmotionEstimate {
        let scores = yamnet.map { y in classNames.map { y[$0] ?? 0 } }
        return model.estimate(EmotionInput(cues: cues, yamnet: scores.map { ($0, classIndex) }, evidence: evidence))
    }

    @Test func loadsTheExportedTable() {
        let m = Self.model
        #expect(Self.classNames.count == 521 && Self.classNames[m.speechClass] == "Speech" && Self.classNames[m.musicClass] == "Music")
        #expect(m.prototypes.count == 9 && m.temperature == 0.05 && m.weakEvidenceCap == 0.3)
        #expect(m.cues[.speech]![.arousal]!.count >= 5 && m.cues[.music]![.valence]!.contains { $0.feature == "mode_major" })
        #expect(m.classWeights[.valence]!.contains { $0.name == "Crying, sobbing" && $0.weight < 0 })
    }

    /// Raising one cue by a standard deviation moves arousal (or valence) the way the table's
    /// finding says; every speech arousal cue is checked against the sign of its weight.
    @Test func everyCueMovesItsDimension() {
        for context in EmotionModel.Context.allCases {
            for (dimension, cues) in Self.model.cues[context] ?? [:] {
                for cue in cues {
                    var base = Self.typicalSpeech
                    for c in cues { base[c.feature] = c.mean }
                    let yamnet: [String: Double] = context == .speech ? ["Speech": 0.9] : context == .music ? ["Music": 0.9] : [:]
                    let before = Self.estimate(base, yamnet: yamnet)
                    base[cue.feature] = cue.mean + cue.scale
                    let after = Self.estimate(base, yamnet: yamnet)
                    let delta = dimension == .arousal ? after.arousal - before.arousal : after.valence - before.valence
                    #expect(delta * cue.weight > 0, "\(context) \(dimension) \(cue.feature): Δ = \(delta)")
                }
            }
        }
    }

    @Test func vocalAndMusicClassesCarryValence() {
        let speech = Self.typicalSpeech
        let laughing = Self.estimate(speech, yamnet: ["Speech": 0.8, "Laughter": 0.5])
        let crying = Self.estimate(speech, yamnet: ["Speech": 0.8, "Crying, sobbing": 0.5])
        #expect(laughing.valence > 0.3 && crying.valence < -0.3)
        #expect(laughing.mood == .happy && [.sad, .tense].contains(crying.mood))
        var music = Self.typicalSpeech
        music["mode_major"] = 1
        let major = Self.estimate(music, yamnet: ["Music": 0.9])
        music["mode_major"] = -1
        let minor = Self.estimate(music, yamnet: ["Music": 0.9])
        #expect(major.valence > minor.valence + 0.3, "major \(major.valence), minor \(minor.valence)")
    }

    /// No evidence (silence): arousal and valence 0, neutral, confidence capped at 0.3.
    @Test func silenceIsNeutralWithLowConfidence() {
        var quiet = Self.typicalSpeech
        quiet["loudness_db"] = -90
        let silent = Self.estimate(quiet, yamnet: ["Silence": 0.95], evidence: 0)
        #expect(silent.arousal == 0 && silent.valence == 0 && silent.mood == .neutral && silent.emotion == .neutral)
        #expect(silent.emotionConfidence <= 0.3 && silent.weakEvidence)
    }

    @Test func labelsFollowTheCircumplex() {
        #expect(MoodLabel(.excited) == .happy && MoodLabel(.content) == .calm && MoodLabel(.tired) == .sad)
        #expect(MoodLabel(.anxious) == .tense && MoodLabel(.neutral) == .neutral)
        // Each emotion's prototype lies in its mood's quadrant.
        for p in Self.model.prototypes where p.label != .neutral {
            let quadrant: MoodLabel = p.valence >= 0 ? (p.arousal >= 0 ? .happy : .calm) : (p.arousal >= 0 ? .tense : .sad)
            #expect(MoodLabel(p.label) == quadrant, "\(p.label)")
        }
        #expect(EnergyLevel(arousal: -0.3, thresholds: (-0.25, 0.25)) == .low)
        #expect(EnergyLevel(arousal: 0, thresholds: (-0.25, 0.25)) == .medium)
        #expect(EnergyLevel(arousal: 0.3, thresholds: (-0.25, 0.25)) == .high)
        // Each prototype, as input, is its own label with the highest probability.
        for p in Self.model.prototypes {
            let probabilities = Self.model.prototypes.map { q in exp(-(pow(p.valence - q.valence, 2) + pow(p.arousal - q.arousal, 2)) / Self.model.temperature) }
            #expect(probabilities.max() == probabilities[Self.model.prototypes.firstIndex { $0.label == p.label }!])
        }
    }

    @Test func withoutYAMNetTheContextComesFromTheCues() {
        var cues = Self.typicalSpeech
        cues["voiced_fraction"] = 0.8
        cues["tempo_confidence"] = 0.1
        let estimate = Self.model.estimate(EmotionInput(cues: cues, yamnet: nil, evidence: 1))
        #expect(estimate.contextWeights["speech"]! > 0.6)
        #expect(abs(estimate.contextWeights.values.reduce(0, +) - 1) < 1e-12)
    }
}
