/// The emotion labels clients read (`emotion`), each a prototype point on Russell's circumplex in
/// `Weights/emotion.tsv`.
public enum EmotionLabel: String, CaseIterable, Codable, Sendable {
    case excited, happy, content, calm, neutral, sad, tired, angry, anxious
}

/// The mood clients read (`mood`): the circumplex quadrant of the emotion label, or neutral.
/// ref: Russell 1980 — happy/excited: high arousal, positive valence; content/calm: low arousal,
/// positive; sad/tired: low arousal, negative; angry/anxious: high arousal, negative ("tense").
public enum MoodLabel: String, CaseIterable, Codable, Sendable {
    case happy, calm, neutral, sad, tense

    public init(_ emotion: EmotionLabel) {
        switch emotion {
        case .excited, .happy: self = .happy
        case .content, .calm: self = .calm
        case .neutral: self = .neutral
        case .sad, .tired: self = .sad
        case .angry, .anxious: self = .tense
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
