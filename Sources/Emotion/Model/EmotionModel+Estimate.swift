import Foundation

/// What the emotion model reads about a stretch of audio.
public struct EmotionInput: Sendable {
    /// File-level cues by the feature names of `Weights/emotion.tsv` (loudness_db, speech_rate,
    /// f0_st, …, plus voiced_fraction and tempo_confidence for the no-YAMNet context). A missing
    /// or non-finite cue (no voiced frames: no pitch) counts as typical (z = 0).
    public var cues: [String: Double]
    /// YAMNet's mean score per class over the stretch, and each class name's index
    /// (`classIndex(_:)`, built once per class map), or nil when YAMNet is off (then the context
    /// comes from the cues and no class term is used).
    public var yamnet: (meanScores: [Double], classIndex: [String: Int])?
    /// How much the stretch can be trusted, in [0, 1]: the fraction of it that is sound (not
    /// silence), and 0 when there is under a second of sound. Arousal and valence are scaled by it,
    /// so silence reads as neutral.
    public var evidence: Double

    public init(cues: [String: Double], yamnet: (meanScores: [Double], classIndex: [String: Int])?, evidence: Double) {
        (self.cues, self.yamnet, self.evidence) = (cues, yamnet, evidence)
    }

    /// Each display name's index in `names` (the first, should a name repeat).
    public static func classIndex(_ names: [String]) -> [String: Int] {
        Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The model's answer for a stretch of audio.
public struct EmotionEstimate: Sendable, Equatable, Codable {
    /// In [−1, 1]: tanh of the blended raw score, times the evidence.
    public var arousal: Double, valence: Double
    public var emotion: EmotionLabel
    /// The softmax probability of `emotion` over −d²/T to the prototypes, capped at the model's
    /// weak-evidence cap when `weakEvidence`.
    public var emotionConfidence: Double
    public var probabilities: [String: Double]
    public var mood: MoodLabel
    public var energyLevel: EnergyLevel
    /// The blend weights of the cue sets (sum 1).
    public var contextWeights: [String: Double]
    /// The evidence is weak (under half of the stretch is sound, or under a second of it).
    public var weakEvidence: Bool
}

extension EmotionModel {
    /// Arousal, valence and labels for `input`. Deterministic; no state.
    public func estimate(_ input: EmotionInput) -> EmotionEstimate {
        let pi = contextWeights(input)
        var raw: [Dimension: Double] = [:]
        for dimension in Dimension.allCases {
            var score = 0.0
            for context in Context.allCases {
                var s = bias[context]?[dimension] ?? 0
                for cue in cues[context]?[dimension] ?? [] {
                    guard let x = input.cues[cue.feature], x.isFinite else { continue }
                    s += cue.weight * min(max((x - cue.mean) / cue.scale, -Self.zLimit), Self.zLimit)
                }
                score += (pi[context] ?? 0) * s
            }
            if let yamnet = input.yamnet {
                for (name, weight) in classWeights[dimension] ?? [] {
                    if let i = yamnet.classIndex[name], i < yamnet.meanScores.count { score += weight * yamnet.meanScores[i] }
                }
            }
            raw[dimension] = score
        }
        let evidence = min(max(input.evidence, 0), 1)
        let arousal = tanh(raw[.arousal]!) * evidence + 0, valence = tanh(raw[.valence]!) * evidence + 0   // + 0: no −0
        // ref: AFFECT.md — a softmax over distances to the label prototypes, temperature stated.
        let logits = prototypes.map { -(pow(valence - $0.valence, 2) + pow(arousal - $0.arousal, 2)) / temperature }
        let top = logits.max()!
        let weights = logits.map { exp($0 - top) }, total = weights.reduce(0, +)
        let best = logits.firstIndex(of: top) ?? 0          // NaN (never equal) yields a non-finite result, not a trap
        let weak = evidence < 0.5
        return EmotionEstimate(
            arousal: arousal, valence: valence, emotion: prototypes[best].label,
            emotionConfidence: min(weights[best] / total, weak ? weakEvidenceCap : 1),
            probabilities: Dictionary(uniqueKeysWithValues: zip(prototypes.map(\.label.rawValue), weights.map { $0 / total })),
            mood: MoodLabel(prototypes[best].label),
            energyLevel: EnergyLevel(arousal: arousal, thresholds: energyThresholds),
            contextWeights: Dictionary(uniqueKeysWithValues: pi.map { ($0.key.rawValue, $0.value) }),
            weakEvidence: weak)
    }

    /// π: YAMNet's mean Speech and Music scores against the other-sounds floor, or without YAMNet
    /// the voiced fraction and the tempo confidence, normalised to sum 1.
    func contextWeights(_ input: EmotionInput) -> [Context: Double] {
        var raw: [Context: Double]
        if let scores = input.yamnet?.meanScores, scores.indices.contains(speechClass), scores.indices.contains(musicClass) {
            raw = [.speech: scores[speechClass], .music: scores[musicClass], .other: otherFloor]
        } else {
            func cue(_ name: String) -> Double { input.cues[name].flatMap { $0.isFinite ? min(max($0, 0), 1) : nil } ?? 0 }
            raw = [.speech: noYAMNet[.speech]! * cue("voiced_fraction"), .music: noYAMNet[.music]! * cue("tempo_confidence"),
                   .other: noYAMNet[.other]!]
        }
        let total = Context.allCases.reduce(0) { $0 + raw[$1]! }          // a fixed order: the same sum every run
        return raw.mapValues { $0 / total }
    }
}
