import Foundation

/// What the emotion model reads about a stretch of audio.
public struct EmotionInput: Sendable {
    /// File-level cues (`FeatureSummary.emotionCues`), periodic_fraction, tempo_confidence
    /// and key_clarity included for the no-YAMNet context. A missing or non-finite cue (no voiced frames: no
    /// pitch) counts as typical (z = 0).
    public var cues: [EmotionCue: Double]
    /// YAMNet's mean score per class over the stretch, and each class name's index
    /// (`classIndex(_:)`, built once per class map), or nil when YAMNet is off (then the context
    /// comes from the cues and no class term is used).
    public var yamnet: (meanScores: [Double], classIndex: [String: Int])?
    /// How much the stretch can be trusted, in [0, 1] (`EmotionModel.evidence`). Arousal and
    /// valence are scaled by it, so silence reads as neutral; a non-finite value counts as 0.
    public var evidence: Double

    public init(cues: [EmotionCue: Double], yamnet: (meanScores: [Double], classIndex: [String: Int])?, evidence: Double) {
        (self.cues, self.yamnet, self.evidence) = (cues, yamnet, evidence)
    }

    /// Each display name's index in `names` (the first, should a name repeat).
    public static func classIndex(_ names: [String]) -> [String: Int] {
        Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The model's answer for a stretch of audio.
public struct EmotionEstimate: Sendable, Equatable, Codable {
    /// In [−1, 1]: tanh of the blended raw score, times the evidence's amplitude (`amplitude(evidence:)`).
    public var arousal: Double, valence: Double
    public var emotion: EmotionLabel
    /// The softmax probability of `emotion` over −d²/T to the prototypes, capped at the model's
    /// weak-evidence cap when `weakEvidence` (the one place the cap is applied).
    public var emotionConfidence: Double
    /// `emotionConfidence`, times the table's no-YAMNet factor when YAMNet is off.
    public var confidence: Double
    public var probabilities: [String: Double]
    public var mood: MoodLabel
    public var energyLevel: EnergyLevel
    /// The blend weights of the cue sets (sum 1).
    public var contextWeights: [String: Double]
    /// The evidence is weak: under the table's sound fraction (rule/weak_sound_fraction), or 0
    /// for want of enough seconds of sound (rule/min_sound_s).
    public var weakEvidence: Bool
}

extension EmotionModel {
    /// Evidence in [0, 1] for a stretch `durationSeconds` long of which `silenceFraction` is
    /// silent: the fraction that is sound, and 0 under `minSoundSeconds` of sound.
    public func evidence(silenceFraction: Double, durationSeconds: Double) -> Double {
        let sound = 1 - silenceFraction
        return sound * durationSeconds < minSoundSeconds ? 0 : sound
    }

    /// Arousal, valence and labels for `input`. Deterministic; no state.
    public func estimate(_ input: EmotionInput) -> EmotionEstimate {
        let pi = contextWeights(input)
        func raw(_ dimension: Dimension) -> Double {
            var score = 0.0
            for context in Context.allCases {
                var s = bias[context]?[dimension] ?? 0
                for cue in cues[context]?[dimension] ?? [] {
                    guard let x = input.cues[cue.cue], x.isFinite else { continue }
                    s += cue.weight * min(max((x - cue.mean) / cue.scale, -zLimit), zLimit)
                }
                score += (pi[context] ?? 0) * s
            }
            if let yamnet = input.yamnet {
                for (name, weight) in classWeights[dimension] ?? [] {
                    if let i = yamnet.classIndex[name], i < yamnet.meanScores.count { score += weight * yamnet.meanScores[i] }
                }
            }
            return score
        }
        let evidence = input.evidence.isFinite ? min(max(input.evidence, 0), 1) : 0
        let amplitude = amplitude(evidence: evidence)
        let arousal = tanh(raw(.arousal)) * amplitude + 0, valence = tanh(raw(.valence)) * amplitude + 0   // + 0: no −0
        let (best, probabilities) = nearestPrototype(valence: valence, arousal: arousal)
        let weak = evidence < weakSoundFraction
        let emotionConfidence = weak ? min(probabilities[best], weakEvidenceCap) : probabilities[best]
        let label = prototypes[best].label
        return EmotionEstimate(
            arousal: arousal, valence: valence, emotion: label, emotionConfidence: emotionConfidence,
            confidence: emotionConfidence * (input.yamnet == nil ? noYAMNetConfidence : 1),
            probabilities: Dictionary(uniqueKeysWithValues: zip(prototypes.map(\.label.rawValue), probabilities)),
            mood: MoodLabel(label),
            energyLevel: weak ? .low : EnergyLevel(arousal: arousal, thresholds: energyThresholds),
            contextWeights: Dictionary(uniqueKeysWithValues: pi.map { ($0.key.rawValue, $0.value) }),
            weakEvidence: weak)
    }

    /// What arousal and valence are scaled by: evidence / rule/weak_sound_fraction, at most 1. Weak
    /// evidence fades the answer towards neutral (silence: 0); a stretch with enough sound to be
    /// judged is judged in full, so a staccato or soft passage with rests between its notes is not
    /// pulled towards neutral, and calmer, for its rests.
    func amplitude(evidence: Double) -> Double {
        weakSoundFraction > 0 ? min(evidence / weakSoundFraction, 1) : (evidence > 0 ? 1 : 0)
    }

    /// The index of the prototype nearest (valence, arousal), and each prototype's probability.
    /// ref: AFFECT.md — a softmax over −d²/T to the label prototypes, T stated in the table.
    func nearestPrototype(valence: Double, arousal: Double) -> (best: Int, probabilities: [Double]) {
        let logits = prototypes.map { -(pow(valence - $0.valence, 2) + pow(arousal - $0.arousal, 2)) / temperature }
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        let weights = logits.map { exp($0 - logits[best]) }, total = weights.reduce(0, +)
        return (best, weights.map { $0 / total })
    }

    /// π: YAMNet's mean Speech and Music scores against the other-sounds floor, or without YAMNet
    /// the periodic fraction, the tempo confidence and the key clarity, normalised to sum 1.
    func contextWeights(_ input: EmotionInput) -> [Context: Double] {
        var raw: [Context: Double]
        if let scores = input.yamnet?.meanScores, scores.indices.contains(speechClass), scores.indices.contains(musicClass) {
            raw = [.speech: scores[speechClass], .music: scores[musicClass], .other: otherFloor]
        } else {
            func cue(_ cue: EmotionCue) -> Double { input.cues[cue].flatMap { $0.isFinite ? min(max($0, 0), 1) : nil } ?? 0 }
            let tonal = min(max((input.cues[.keyClarity].flatMap { $0.isFinite ? $0 : nil } ?? noYAMNetKey.floor) - noYAMNetKey.floor, 0)
                            / (1 - noYAMNetKey.floor), 1)
            raw = [.speech: noYAMNet[.speech, default: 0] * cue(.periodicFraction),
                   .music: noYAMNet[.music, default: 0] * cue(.tempoConfidence) + noYAMNetKey.weight * tonal,
                   .other: noYAMNet[.other, default: 0]]
        }
        let total = Context.allCases.reduce(0) { $0 + raw[$1, default: 0] }          // a fixed order: the same sum every run
        return raw.mapValues { $0 / total }
    }
}
