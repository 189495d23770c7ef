import Foundation
import WeightFormat

/// The feature-based emotion model: arousal and valence as weighted sums of standardized cues,
/// with one cue set per context (speech, music, other sounds) blended by YAMNet's evidence, plus
/// YAMNet's vocal and music-mood classes; labels from prototypes on Russell's circumplex. Every
/// number, the evidence and confidence rules included, comes from `Weights/emotion.tsv` (each beside
/// its source and the finding it encodes), exported by `Scripts/export_emotion.py` to
/// `Weights/emotion.bin` (format v1, model "emotion", table layout 2; Weights/FORMAT.md). A
/// retrained model is a file swap behind `estimate`.
public struct EmotionModel: Sendable {
    public enum Context: String, CaseIterable, Codable, Sendable { case speech, music, other }
    public enum Dimension: String, CaseIterable, Sendable { case arousal, valence }

    /// z = clamp((x − mean) / scale, ±zLimit) adds weight·z to its dimension's score.
    public struct Cue: Sendable, Equatable {
        public let cue: EmotionCue
        public let mean: Double, scale: Double, weight: Double
    }

    /// The table layout this build reads (the `layout_version` tensor); Weights/FORMAT.md lists them.
    public static let layoutVersion = 3
    public static let regenerateHint = "regenerate it from the table: Scripts/export_emotion.py Weights/emotion.tsv Weights/emotion.bin"
    /// The single-valued rows besides cues, biases, classes and prototypes: name → value count.
    static let scalarRows: [String: Int] = [
        "calibration/temperature": 1, "calibration/energy_thresholds": 2,
        "context/speech_class": 1, "context/music_class": 1, "context/other_floor": 1,
        "context/no_yamnet/speech": 1, "context/no_yamnet/music": 1, "context/no_yamnet/other": 1,
        "context/no_yamnet/music_key": 2,
        "rule/z_limit": 1, "rule/min_sound_s": 1, "rule/weak_sound_fraction": 1, "rule/weak_evidence_cap": 1,
        "rule/no_yamnet_confidence": 1,
    ]

    /// [context][dimension] → cues, and the score's bias.
    public let cues: [Context: [Dimension: [Cue]]]
    public let bias: [Context: [Dimension: Double]]
    /// [dimension] → (YAMNet display name, weight on its mean score).
    public let classWeights: [Dimension: [(name: String, weight: Double)]]
    /// Each label's (valence, arousal).
    public let prototypes: [(label: EmotionLabel, valence: Double, arousal: Double)]
    public let temperature: Double
    public let energyThresholds: (low: Double, high: Double)
    /// YAMNet class indices whose mean scores weigh the speech and music cue sets, and the
    /// constant weight of the other-sounds set.
    public let speechClass: Int, musicClass: Int, otherFloor: Double
    /// Without YAMNet: π_speech ∝ this × voiced fraction, π_music ∝ this × tempo confidence, π_other ∝ this.
    public let noYAMNet: [Context: Double]
    /// Without YAMNet, π_music also gains weight × clamp((key clarity − floor) / (1 − floor), 0, 1):
    /// tonal music without a beat (a held chord) is music too (context/no_yamnet/music_key).
    public let noYAMNetKey: (weight: Double, floor: Double)
    /// rule/z_limit: the most a standardized cue counts, in standard units (an outlier cannot outvote the rest).
    public let zLimit: Double
    /// rule/min_sound_s: under this many seconds of sound the evidence is 0.
    public let minSoundSeconds: Double
    /// rule/weak_sound_fraction: evidence (the sound fraction) under this is weak.
    public let weakSoundFraction: Double
    /// rule/weak_evidence_cap: the most `emotion_confidence` can be when the evidence is weak.
    public let weakEvidenceCap: Double
    /// rule/no_yamnet_confidence: `confidence` = `emotion_confidence` × this when YAMNet is off.
    public let noYAMNetConfidence: Double
    /// The weight file's CRC-32 (reported in results as the model's identity).
    public let checksum: UInt32

    /// Loads and checks `Weights/emotion.bin`: every tensor must be one the model reads (an unknown
    /// cue or row is named in the error), every value finite and in range; errors say how to
    /// regenerate the file.
    public init(path: String) throws(WeightFileError) {
        let (records, checksum) = try WeightFile.read(path: path, model: "emotion", hint: Self.regenerateHint)
        func fail(_ reason: String) -> WeightFileError { WeightFileError(kind: .malformed(reason), path: path, hint: Self.regenerateHint) }
        let version = records.first { $0.name == "layout_version" }.map { $0.values == [Float(Self.layoutVersion)] }
        guard version == true else {
            throw fail(version == nil ? "table layout 1 (no 'layout_version' tensor); this build reads layout \(Self.layoutVersion)"
                                      : "a table layout other than \(Self.layoutVersion), the one this build reads")
        }
        var values: [String: [Double]] = [:]
        var cues: [Context: [Dimension: [Cue]]] = [:], bias: [Context: [Dimension: Double]] = [:]
        var classWeights: [Dimension: [(String, Double)]] = [:]
        var prototypes: [(EmotionLabel, Double, Double)] = []
        var seen = Set<String>()
        for record in records where record.name != "layout_version" {
            // The table's decimals, stored as float32, read back as the shortest decimal that
            // rounds to them (0.3, not 0.30000001192): the constants compare as written.
            let v = record.values.map { Double($0.description) ?? .nan }, parts = record.name.split(separator: "/", maxSplits: 3).map(String.init)
            guard seen.insert(record.name).inserted, v.allSatisfy(\.isFinite) else {
                throw fail("tensor '\(record.name)' appears twice or has a non-finite value")
            }
            switch (parts.first, parts.count, v.count) {
            case ("cue", 4, 3):
                guard let c = Context(rawValue: parts[1]), let d = Dimension(rawValue: parts[2]), v[1] > 0 else {
                    throw fail("tensor '\(record.name)' is not a valid cue")
                }
                guard let cue = EmotionCue(rawValue: parts[3]) else {
                    throw fail("tensor '\(record.name)' names the unknown cue '\(parts[3])' (known: \(EmotionCue.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                cues[c, default: [:]][d, default: []].append(Cue(cue: cue, mean: v[0], scale: v[1], weight: v[2]))
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
                guard Self.scalarRows[record.name] != nil else {
                    throw WeightFileError(kind: .unexpectedTensor(record.name), path: path, hint: Self.regenerateHint)
                }
                values[record.name] = v
            }
        }
        func scalar(_ name: String) throws(WeightFileError) -> [Double] {
            guard let v = values[name], v.count == Self.scalarRows[name] else { throw fail("tensor '\(name)' is missing or has the wrong size") }
            return v
        }
        /// A YAMNet class index: a whole number in [0, 2^20), checked before the conversion.
        func index(_ name: String) throws(WeightFileError) -> Int {
            let x = try scalar(name)[0]
            guard x >= 0, x < 0x1p20, x.rounded() == x else { throw fail("tensor '\(name)' is not a class index") }
            return Int(x)
        }
        guard Set(prototypes.map(\.0)) == Set(EmotionLabel.allCases), prototypes.count == EmotionLabel.allCases.count else {
            throw fail("the prototypes must name each of the \(EmotionLabel.allCases.count) labels once")
        }
        (self.cues, self.bias, self.prototypes) = (cues, bias, prototypes.map { ($0.0, $0.1, $0.2) })
        self.classWeights = classWeights.mapValues { $0.map { (name: $0.0, weight: $0.1) } }
        temperature = try scalar("calibration/temperature")[0]
        let energy = try scalar("calibration/energy_thresholds")
        energyThresholds = (energy[0], energy[1])
        speechClass = try index("context/speech_class")
        musicClass = try index("context/music_class")
        otherFloor = try scalar("context/other_floor")[0]
        var noYAMNet: [Context: Double] = [:]
        for context in Context.allCases { noYAMNet[context] = try scalar("context/no_yamnet/\(context.rawValue)")[0] }
        self.noYAMNet = noYAMNet
        let key = try scalar("context/no_yamnet/music_key")
        noYAMNetKey = (key[0], key[1])
        zLimit = try scalar("rule/z_limit")[0]
        minSoundSeconds = try scalar("rule/min_sound_s")[0]
        weakSoundFraction = try scalar("rule/weak_sound_fraction")[0]
        weakEvidenceCap = try scalar("rule/weak_evidence_cap")[0]
        noYAMNetConfidence = try scalar("rule/no_yamnet_confidence")[0]
        let fractions = [weakSoundFraction, weakEvidenceCap, noYAMNetConfidence]
        guard temperature > 0, energy[0] < energy[1], otherFloor > 0, noYAMNet.values.allSatisfy({ $0 >= 0 }), noYAMNet[.other, default: 0] > 0,
              noYAMNetKey.weight >= 0, noYAMNetKey.floor < 1,
              zLimit > 0, minSoundSeconds >= 0, fractions.allSatisfy({ (0...1).contains($0) }) else {
            throw fail("calibration constants or rules out of range")
        }
        self.checksum = checksum
    }
}
