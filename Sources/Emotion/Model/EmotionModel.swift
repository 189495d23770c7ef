import Foundation
import WeightFormat

/// The feature-based emotion model: arousal and valence as weighted sums of standardized cues,
/// with one cue set per context (speech, music, other sounds) blended by YAMNet's evidence, plus
/// YAMNet's vocal and music-mood classes; labels from prototypes on Russell's circumplex. Every
/// number comes from `Weights/emotion.tsv` (each beside the finding it encodes), exported by
/// `Scripts/export_emotion.py` to `Weights/emotion.bin` (format v1, model "emotion"). A retrained
/// model is a file swap behind `estimate`.
public struct EmotionModel: Sendable {
    public enum Context: String, CaseIterable, Codable, Sendable { case speech, music, other }
    public enum Dimension: String, CaseIterable, Sendable { case arousal, valence }

    /// z = clamp((x − mean) / scale, ±3) adds weight·z to its dimension's score.
    public struct Cue: Sendable, Equatable {
        public let feature: String
        public let mean: Double, scale: Double, weight: Double
    }

    public static let regenerateHint = "regenerate it from the table: Scripts/export_emotion.py Weights/emotion.tsv Weights/emotion.bin"
    /// The most a standardized cue counts, in standard units: an outlier cannot outvote the rest.
    static let zLimit = 3.0

    /// [context][dimension] → cues, and the score's bias.
    public let cues: [Context: [Dimension: [Cue]]]
    public let bias: [Context: [Dimension: Double]]
    /// [dimension] → (YAMNet display name, weight on its mean score).
    public let classWeights: [Dimension: [(name: String, weight: Double)]]
    /// Each label's (valence, arousal).
    public let prototypes: [(label: EmotionLabel, valence: Double, arousal: Double)]
    public let temperature: Double, weakEvidenceCap: Double
    public let energyThresholds: (low: Double, high: Double)
    /// YAMNet class indices whose mean scores weigh the speech and music cue sets, and the
    /// constant weight of the other-sounds set.
    public let speechClass: Int, musicClass: Int, otherFloor: Double
    /// Without YAMNet: π_speech ∝ this × voiced fraction, π_music ∝ this × tempo confidence, π_other ∝ this.
    public let noYAMNet: [Context: Double]
    /// The weight file's CRC-32 (reported in results as the model's identity).
    public let checksum: UInt32

    /// Loads and checks `Weights/emotion.bin`; errors name the tensor and how to regenerate the file.
    public init(path: String) throws(WeightFileError) {
        let (records, checksum) = try WeightFile.read(path: path, model: "emotion", hint: Self.regenerateHint)
        func fail(_ reason: String) -> WeightFileError { WeightFileError(kind: .malformed(reason), path: path, hint: Self.regenerateHint) }
        var values: [String: [Double]] = [:]
        var cues: [Context: [Dimension: [Cue]]] = [:], bias: [Context: [Dimension: Double]] = [:]
        var classWeights: [Dimension: [(String, Double)]] = [:]
        var prototypes: [(EmotionLabel, Double, Double)] = []
        for record in records {
            // The table's decimals, stored as float32, read back as the shortest decimal that
            // rounds to them (0.3, not 0.30000001192): the constants compare as written.
            let v = record.values.map { Double($0.description)! }, parts = record.name.split(separator: "/", maxSplits: 3).map(String.init)
            switch (parts.first, parts.count, v.count) {
            case ("cue", 4, 3):
                guard let c = Context(rawValue: parts[1]), let d = Dimension(rawValue: parts[2]), v[1] > 0 else {
                    throw fail("tensor '\(record.name)' is not a valid cue")
                }
                cues[c, default: [:]][d, default: []].append(Cue(feature: parts[3], mean: v[0], scale: v[1], weight: v[2]))
            case ("bias", 3, 1):
                guard let c = Context(rawValue: parts[1]), let d = Dimension(rawValue: parts[2]) else {
                    throw fail("tensor '\(record.name)' is not a valid bias")
                }
                bias[c, default: [:]][d] = v[0]
            case ("class", _, 1) where parts.count >= 3:
                guard let d = Dimension(rawValue: parts[1]) else { throw fail("tensor '\(record.name)' names no dimension") }
                classWeights[d, default: []].append((record.name.split(separator: "/", maxSplits: 2).map(String.init)[2], v[0]))
            case ("prototype", 2, 2):
                guard let label = EmotionLabel(rawValue: parts[1]) else { throw fail("tensor '\(record.name)' names no label") }
                prototypes.append((label, v[0], v[1]))
            default:
                values[record.name] = v
            }
        }
        func scalar(_ name: String, count: Int = 1) throws(WeightFileError) -> [Double] {
            guard let v = values[name], v.count == count else { throw fail("tensor '\(name)' is missing or has the wrong size") }
            return v
        }
        guard Set(prototypes.map(\.0)) == Set(EmotionLabel.allCases), prototypes.count == EmotionLabel.allCases.count else {
            throw fail("the prototypes must name each of the \(EmotionLabel.allCases.count) labels once")
        }
        (self.cues, self.bias, self.prototypes) = (cues, bias, prototypes.map { ($0.0, $0.1, $0.2) })
        self.classWeights = classWeights.mapValues { $0.map { (name: $0.0, weight: $0.1) } }
        temperature = try scalar("calibration/temperature")[0]
        weakEvidenceCap = try scalar("calibration/weak_evidence_cap")[0]
        let energy = try scalar("calibration/energy_thresholds", count: 2)
        energyThresholds = (energy[0], energy[1])
        speechClass = Int(try scalar("context/speech_class")[0])
        musicClass = Int(try scalar("context/music_class")[0])
        otherFloor = try scalar("context/other_floor")[0]
        var noYAMNet: [Context: Double] = [:]
        for context in Context.allCases { noYAMNet[context] = try scalar("context/no_yamnet/\(context.rawValue)")[0] }
        self.noYAMNet = noYAMNet
        guard temperature > 0, energy[0] < energy[1], otherFloor > 0 else { throw fail("calibration constants out of range") }
        self.checksum = checksum
    }
}
