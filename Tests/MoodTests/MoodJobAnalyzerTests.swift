import Analysis
import AudioIO
import Emotion
import Foundation
import Testing
import TestSupport
@testable import mood
@testable import Worker
import YAMNet

/// The product's analysis as a job's, on the seeded YAMNet weights and the emotion model: the
/// result is `MoodAnalyzer`'s, as JSON; bad input throws the decoder's error.
@Suite struct MoodJobAnalyzerTests {
    static let root = Golden.directory.deletingLastPathComponent().deletingLastPathComponent()
    static let tone = root.appendingPathComponent("Samples/tone.wav").path

    static func analyzer() throws -> MoodAnalyzer {
        MoodAnalyzer(yamnet: try YAMNet(weights: YAMNet.Weights(path: SeededWeights.goldenFile), maxBatch: 4),
                     classes: try ClassMap(path: root.appendingPathComponent("Weights/yamnet_class_map.csv").path),
                     emotion: try EmotionModel(path: root.appendingPathComponent("Weights/emotion.bin").path))
    }

    @Test func resultIsTheMoodResult() throws {
        let jobs = MoodJobAnalyzer(analyzers: [try Self.analyzer(), try Self.analyzer()], ffmpeg: nil)
        let result = try Self.json(jobs.analyze(path: Self.tone).result)
        let expected = try Self.analyzer().analyze(path: Self.tone)
        let direct = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(expected))
        #expect(Self.close(result, direct), "\(result)\n\(direct)")
    }

    /// The row body written straight from the `MoodResult` is byte for byte the one the worker
    /// wrote before, when the result went JSON → `JSONValue` → JSON: the headline columns are the
    /// result's keys, `model_versions` its `model`, every key present (null when absent).
    @Test func predictionRowIsTheFormerBytes() throws {
        let analysis = try MoodJobAnalyzer(analyzers: [try Self.analyzer()], ffmpeg: nil).analyze(path: Self.tone)
        let job = Job(id: RowID(7), uploadID: RowID(9))
        guard case .object(let result) = try Self.json(analysis.result) else { Issue.record("not an object"); return }
        var row: JSONObject = ["job_id": 7, "upload_id": 9, "result": .object(result)]
        for column in PredictionRow.headlineColumns {
            row[column] = result[column]
            #expect(result[column] != nil && result[column] != .null, "\(column)")
        }
        row["model_versions"] = result["model"]
        #expect(String(decoding: try PredictionRow.body(job: job, analysis: analysis), as: UTF8.self)
                == String(decoding: JSONValue.object(row).data, as: UTF8.self))
    }

    /// `value` encoded and decoded as a `JSONValue` (the worker's former path).
    static func json(_ value: any Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// Equal, numbers within 1e-12 relative: the emotion model's context weights are summed in
    /// dictionary order, which varies from run to run in the last ulp.
    static func close(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(close)
        case (.object(let x), .object(let y)): return x.keys == y.keys && x.allSatisfy { close($0.value, y[$0.key]!) }
        default: return a == b
        }
    }

    @Test func badAudioThrowsTheDecodersError() throws {
        let jobs = MoodJobAnalyzer(analyzers: [try Self.analyzer()], ffmpeg: nil)
        let path = NSTemporaryDirectory() + "mood-not-audio-\(UUID().uuidString)"
        try Data("this is not audio".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: AudioStreamError.self) { try jobs.analyze(path: path) }
        #expect(try jobs.analyze(path: Self.tone).columns["mood"] != nil)      // still usable after a failure
    }
}
