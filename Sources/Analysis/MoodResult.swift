import Emotion

/// The analysis of one recording as clients read it (`predictions.result`, `mood analyze --json`).
/// Schema: `Schemas/mood-result.schema.json`. The first seven keys are the ones clients already
/// read; YAMNet's keys are null (and `top_sounds` empty) when YAMNet is off, never invented.
public struct MoodResult: Codable, Sendable, Equatable {
    public var mood: MoodLabel
    public var emotion: EmotionLabel
    public var energyLevel: EnergyLevel
    /// The combined confidence: `emotion_confidence` (already within the weak-evidence cap),
    /// times the emotion table's no-YAMNet factor (rule/no_yamnet_confidence) without YAMNet.
    public var confidence: Double
    /// The YAMNet class with the highest mean score over the file.
    public var soundClassification: String?
    /// That class's mean score (a per-class sigmoid score, not a probability over classes).
    public var yamnetConfidence: Double?
    public var emotionConfidence: Double
    public var arousal: Double
    public var valence: Double
    public var topSounds: [SoundScore]
    public var features: FeatureReport
    public var durationS: Double
    public var timeline: [Segment]
    public var model: ModelInfo
    public var warnings: [String]

    public struct SoundScore: Codable, Sendable, Equatable {
        public var label: String
        public var score: Double
    }

    /// The features behind the estimate, in the units their names give; null when not measurable
    /// (no voiced frame: no pitch; under about 4 s or no onsets: no tempo; flat chroma: no key).
    public struct FeatureReport: Codable, Sendable, Equatable {
        public var tempoBpm: Double?
        public var tempoConfidence: Double?
        public var key: String?
        public var mode: String?
        public var loudnessDb: Double
        public var loudnessRangeDb: Double
        public var pitchMeanHz: Double?
        public var pitchMedianHz: Double?
        public var pitchRangeSemitones: Double?
        public var speechRate: Double
        public var voicedFraction: Double
        public var silenceFraction: Double
        public var clippingFraction: Double
        public var spectralCentroidHz: Double
    }

    /// About 5 s of the recording.
    public struct Segment: Codable, Sendable, Equatable {
        public var startS: Double
        public var endS: Double
        public var dominantSound: String?
        public var arousal: Double
        public var valence: Double
        public var emotion: EmotionLabel
    }

    public struct ModelInfo: Codable, Sendable, Equatable {
        public var engine: String
        /// "crc32:xxxxxxxx" of the weight files; YAMNet's is null when it is off.
        public var yamnetWeights: String?
        public var emotionWeights: String
        /// The emotion model's context blend for the file (speech, music, other).
        public var contextWeights: [String: Double]
    }
}
