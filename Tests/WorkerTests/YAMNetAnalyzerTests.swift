import DSP
import Foundation
import Testing
import TestSupport
@testable import Worker
import YAMNet

/// The YAMNet analyser on the golden (seeded) weights: its keys match what `mood analyze`'s
/// pieces give for the same file, and bad input throws the decoder's error.
@Suite struct YAMNetAnalyzerTests {
    static let root = Golden.directory.deletingLastPathComponent().deletingLastPathComponent()
    static let classes = try! ClassMap(path: root.appendingPathComponent("Weights/yamnet_class_map.csv").path)

    @Test func summarisesTheFile() throws {
        let weights = try YAMNetWeights(path: SeededWeights.goldenFile)
        let analyzer = try YAMNetAnalyzer(weights: weights, classes: Self.classes, instances: 2, batch: 4, topK: 3)
        let path = Self.root.appendingPathComponent("Samples/tone.wav").path
        let result = try analyzer.analyze(path: path)

        let waveform = try readWaveform(path)
        let output = try YAMNet(weights: weights)(waveform)
        let (n, classes) = (output.patchCount, output.scores.shape[1])
        let means = (0..<classes).map { j in (0..<n).reduce(0.0) { $0 + Double(output.scores.data[$1 * classes + j]) } / Double(n) }
        let best = means.indices.max { means[$0] < means[$1] }!

        #expect(result["sound_classification"] == .string(Self.classes.displayNames[best]))
        guard case .number(let confidence)? = result["yamnet_confidence"], case .array(let top)? = result["top_sounds"],
              case .number(let duration)? = result["duration_s"] else { Issue.record("\(result)"); return }
        #expect(abs(confidence - means[best]) < 1e-6)
        #expect(top.count == 3 && top[0] == ["name": .string(Self.classes.displayNames[best]), "mid": .string(Self.classes.mids[best]),
                                             "score": .number(confidence)])
        #expect(duration == Double(waveform.count) / 16000)
        #expect(result["model"] == ["yamnet": .string("crc32:" + String(format: "%08x", weights.checksum))])
    }

    @Test func badAudioThrowsTheDecodersError() throws {
        let analyzer = try YAMNetAnalyzer(weights: YAMNetWeights(path: SeededWeights.goldenFile), classes: Self.classes)
        let path = NSTemporaryDirectory() + "mood-not-audio-\(UUID().uuidString)"
        try Data("this is not audio".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: AudioStreamError.self) { try analyzer.analyze(path: path) }
        // Still usable after a failure.
        #expect(try analyzer.analyze(path: Self.root.appendingPathComponent("Samples/tone.wav").path)["sound_classification"] != nil)
    }
}
