@testable import Emotion
import Foundation
import Testing
import WeightFormat

/// The table and the code that reads it: the table names only what the code knows, the loader
/// refuses a misspelt cue, an unknown row, an old layout and hostile values (naming them), and
/// every rule row of the table changes the output when its value changes. Modified tables are the
/// committed Weights/emotion.bin with records edited, written to a temporary file and loaded.
@Suite struct EmotionTableTests {
    typealias Model = EmotionModelTests

    /// The committed file's records after `edit`, loaded from a temporary file.
    static func load(_ edit: (inout [WeightRecord]) -> Void) throws(WeightFileError) -> EmotionModel {
        var records = try WeightFile.read(path: Model.path, model: "emotion", hint: EmotionModel.regenerateHint).records
        edit(&records)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emotion-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        do { try Data(WeightFile.encode(model: "emotion", records: records)).write(to: url) }
        catch { throw WeightFileError(kind: .unreadable("\(error)"), path: url.path, hint: "") }
        return try EmotionModel(path: url.path)
    }

    /// Sets the values of the record `name`, appending it when absent.
    static func setting(_ name: String, _ values: [Float]) -> (inout [WeightRecord]) -> Void {
        { records in
            let record = WeightRecord(name: name, shape: [values.count], values: values)
            if let i = records.firstIndex(where: { $0.name == name }) { records[i] = record } else { records.append(record) }
        }
    }

    /// The loader's message for the edited file, or nil when it loads.
    static func refusal(_ edit: (inout [WeightRecord]) -> Void) -> String? {
        do { _ = try load(edit); return nil } catch { return error.description }
    }

    @Test func loadsTheExportedTable() {
        let m = Model.model
        #expect(Model.classNames.count == 521 && Model.classNames[m.speechClass] == "Speech" && Model.classNames[m.musicClass] == "Music")
        #expect(m.prototypes.count == 9 && m.temperature == 0.04 && m.energyThresholds == (-0.25, 0.25))   // T fitted (Scripts/emotion-bench/fit.py)
        // The rules that were constants in mood-engine 0.5's code, with the values they had there.
        #expect(m.zLimit == 3 && m.minSoundSeconds == 1 && m.weakSoundFraction == 0.5)
        #expect(m.weakEvidenceCap == 0.3)
        #expect(m.noYAMNetConfidence == 1)   // 0.8 in 0.5; fitted with T (Scripts/emotion-bench/fit.py)
        #expect(m.classWeights[.valence]!.contains { $0.name == "Crying, sobbing" && $0.weight < 0 })
    }

    /// Table ↔ code: every row of Weights/emotion.tsv is a kind the loader reads (cue rows name an
    /// `EmotionCue`), every rule the loader needs is a row, and every row states its source.
    @Test func theTableNamesWhatTheCodeReads() throws {
        let text = try String(contentsOf: Model.repo.appendingPathComponent("Weights/emotion.tsv"), encoding: .utf8)
        var rows = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 4 && !fields[2].isEmpty && !fields[3].isEmpty, "\(line)")
            let name = fields[0], parts = name.split(separator: "/").map(String.init)
            rows.insert(name)
            switch parts.first {
            case "cue": #expect(parts.count == 4 && EmotionCue(rawValue: parts[3]) != nil, "\(name): not an EmotionCue")
            case "bias", "class", "prototype": continue
            default: #expect(EmotionModel.scalarRows[name] != nil, "\(name): a row the model does not read")
            }
        }
        #expect(Set(EmotionModel.scalarRows.keys).isSubset(of: rows), "\(Set(EmotionModel.scalarRows.keys).subtracting(rows)) missing")
    }

    @Test func aMisspeltCueFailsLoadingNamingIt() {
        let message = Self.refusal { records in
            if let i = records.firstIndex(where: { $0.name == "cue/music/arousal/tempo_bpm" }) { records[i].name = "cue/music/arousal/tempo_bmp" }
        }
        #expect(message?.contains("unknown cue 'tempo_bmp'") == true && message?.contains("Scripts/export_emotion.py") == true, "\(message ?? "loaded")")
    }

    @Test func anUnknownRowFailsLoadingNamingIt() {
        let message = Self.refusal(Self.setting("rule/z_limt", [3]))
        #expect(message?.contains("unexpected tensor 'rule/z_limt'") == true, "\(message ?? "loaded")")
    }

    /// A file of another table layout is refused, and the message says which script re-makes it.
    @Test func anOldLayoutSaysWhichScriptToRerun() {
        let old = Self.refusal { $0.removeAll { $0.name == "layout_version" } }
        #expect(old?.contains("table layout 1") == true && old?.contains("Scripts/export_emotion.py Weights/emotion.tsv") == true, "\(old ?? "loaded")")
        #expect(Self.refusal(Self.setting("layout_version", [2])) != nil)
    }

    /// Hostile values are refused with an error, not a trap (a class index is converted to Int only
    /// when it is a whole number in range).
    @Test(arguments: [("context/speech_class", [Float.nan]), ("context/music_class", [1e30]), ("context/speech_class", [0.5]),
                      ("rule/weak_evidence_cap", [1.5]), ("calibration/temperature", [0]), ("rule/z_limit", [.infinity]),
                      ("rule/min_sound_s", [1, 2]), ("context/no_yamnet/other", [0])])
    func hostileValuesAreRefused(name: String, values: [Float]) {
        #expect(Self.refusal(Self.setting(name, values)) != nil, "\(name) = \(values)")
    }

    /// A new value for each rule row: every single-valued row of the model must be listed here.
    static let modified: [String: [Float]] = [
        "calibration/temperature": [0.2], "calibration/energy_thresholds": [-0.05, 0.05],
        "context/speech_class": [1], "context/music_class": [133], "context/other_floor": [0.5],
        "context/no_yamnet/speech": [2], "context/no_yamnet/music": [3], "context/no_yamnet/other": [0.5],
        "context/no_yamnet/music_key": [1, 0.2],
        "rule/z_limit": [2], "rule/min_sound_s": [3], "rule/weak_sound_fraction": [0.7], "rule/weak_evidence_cap": [0.2],
        "rule/no_yamnet_confidence": [0.5],
    ]

    /// What the model outputs on a fixed battery: typical, louder and far louder speech, music, no
    /// YAMNet at full and at 0.6 evidence, no evidence; and the evidence of 2 s of sound.
    static func outputs(_ m: EmotionModel) -> [Double] {
        var speech = Model.typicalSpeech
        speech[.tempoConfidence] = 0.3
        speech[.keyClarity] = 0.6
        var loud = speech, extreme = speech
        loud[.loudnessDB] = -20                          // +1 standard unit
        extreme[.loudnessDB] = 60                        // +11: clamped
        let battery: [([EmotionCue: Double], [String: Double]?, Double)] = [
            (speech, ["Speech": 0.9], 1), (loud, ["Speech": 0.9], 1), (extreme, ["Speech": 0.9], 1), (speech, ["Music": 0.9], 1),
            (speech, nil, 1), (speech, nil, 0.6), (speech, ["Speech": 0.9], 0),
        ]
        return battery.flatMap { cues, yamnet, evidence -> [Double] in
            let e = Model.estimate(cues, yamnet: yamnet, evidence: evidence, model: m)
            let energy = Double(EnergyLevel.allCases.firstIndex(of: e.energyLevel) ?? -1)
            return [e.arousal, e.valence, e.emotionConfidence, e.confidence, energy, e.weakEvidence ? 1 : 0]
                + EmotionModel.Context.allCases.map { e.contextWeights[$0.rawValue] ?? -1 }
        } + [m.evidence(silenceFraction: 0, durationSeconds: 2)]
    }

    /// Each rule row is read: changing its value changes the output (and the unchanged file,
    /// through the same temporary-file path, gives the same output).
    @Test func everyRuleRowChangesTheOutput() throws {
        #expect(Set(Self.modified.keys) == Set(EmotionModel.scalarRows.keys))
        let reference = Self.outputs(Model.model)
        #expect(Self.outputs(try Self.load { _ in }) == reference)
        for (name, values) in Self.modified.sorted(by: { $0.key < $1.key }) {
            let changed = Self.outputs(try Self.load(Self.setting(name, values)))
            #expect(changed != reference, "\(name) = \(values) changes nothing")
        }
    }
}
