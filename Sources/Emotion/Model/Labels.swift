/// The emotion labels clients read (`emotion`), each a prototype point on Russell's circumplex in
/// `Weights/emotion.tsv`.
public enum EmotionLabel: String, CaseIterable, Codable, Sendable {
    case excited, happy, content, calm, neutral, sad, tired, angry, anxious
}

/// The mood clients read (`mood`): the quadrant of (valence, arousal), or neutral near the centre.
/// ref: Russell 1980, the circumplex model of affect
public enum MoodLabel: String, CaseIterable, Codable, Sendable {
    case happy, calm, neutral, sad, tense

    /// happy: valence ≥ 0, arousal ≥ 0; calm: valence ≥ 0, arousal < 0; sad: both < 0; tense:
    /// valence < 0, arousal ≥ 0; neutral when the radius is under `neutralRadius`.
    public init(valence: Double, arousal: Double, neutralRadius: Double) {
        if (valence * valence + arousal * arousal).squareRoot() < neutralRadius {
            self = .neutral
        } else if valence >= 0 {
            self = arousal >= 0 ? .happy : .calm
        } else {
            self = arousal >= 0 ? .tense : .sad
        }
    }
}

/// `energy_level`, from arousal: low below the lower threshold, high above the upper.
public enum EnergyLevel: String, CaseIterable, Codable, Sendable {
    case low, medium, high

    public init(arousal: Double, thresholds: (low: Double, high: Double)) {
        self = arousal < thresholds.low ? .low : arousal > thresholds.high ? .high : .medium
    }
}
