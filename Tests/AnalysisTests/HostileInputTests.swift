@testable import Analysis
import AudioIO
import Emotion
import Foundation
import Testing
import TestSupport
import YAMNet

/// Every file of the hostile corpus (`HostileFiles`: one test case per file, named after it) ends
/// as it must: a result whose every number is finite and that encodes as JSON, or the typed error
/// whose message it names; never a trap. Without YAMNet, and with it (seeded test weights) where
/// a result is expected (errors come from the audio source, before any model); ffmpeg off. Scripts/hostile/run holds the release binary to the time and memory budget
/// on the same files.
@Suite struct HostileInputTests {
    @Test(arguments: HostileFiles.all)
    func hostileFile(_ file: HostileFile) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mood-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(file.name).path
        try Data(file.bytes).write(to: URL(fileURLWithPath: path))
        for (label, analyzer) in MoodResultTests.analyzers() where file.expect == .result || analyzer.yamnet == nil {
            let outcome = Result { try analyzer.analyze(path: path, ffmpeg: nil) }
            switch (file.expect, outcome) {
            case (.result, .success(let result)):
                #expect(throws: Never.self, "\(label)") { try result.checkFinite() }
                #expect(throws: Never.self, "\(label)") { try JSONEncoder().encode(result) }
            case (.error(let fragment), .failure(let error)):
                #expect("\(error)".contains(fragment), "\(label): \(error)")
            default:
                Issue.record("\(label): expected \(file.expect), got \(outcome)")
            }
        }
    }

    /// The corpus has one file per name, and its index lists them all with their expectations.
    @Test func corpusIsWrittenWithItsIndex() throws {
        #expect(Set(HostileFiles.all.map(\.name)).count == HostileFiles.all.count)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mood-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let paths = try HostileFiles.write(to: directory)
        let index = try String(contentsOf: directory.appendingPathComponent("index.tsv"), encoding: .utf8)
        let rows = index.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.map { String($0[0]) } == HostileFiles.all.map(\.name))
        #expect(rows.allSatisfy { ["result", "error"].contains($0[1]) })
        #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    }

    /// The policy itself, sample by sample: subnormals read as 0; the bound is accepted, the next
    /// float over it, NaN and ±inf are refused with their index.
    @Test func samplePolicy() throws {
        var samples: [Float] = [Float(bitPattern: 0x000F_FFFF), -.leastNonzeroMagnitude, .leastNormalMagnitude, -32768, 32768, 0.5]
        try samples.withUnsafeMutableBufferPointer { try SampleGuard.apply($0, first: 0, path: "x") }
        #expect(samples == [0, 0, .leastNormalMagnitude, -32768, 32768, 0.5])
        for (bad, text) in [(Float(32768).nextUp, "32768.004"), (.nan, "nan"), (-.infinity, "-inf")] {
            var chunk: [Float] = [0, 0, bad]
            #expect(throws: AudioError.sampleOutOfRange(path: "x", index: 12, value: text, limit: 32768)) {
                try chunk.withUnsafeMutableBufferPointer { try SampleGuard.apply($0, first: 10, path: "x") }
            }
        }
    }

    /// A NaN anywhere in a result is named, and stops it.
    @Test func nonFiniteResultsAreRefused() throws {
        let c = try Clips(), analyzer = MoodAnalyzer(yamnet: nil, classes: nil, emotion: MoodResultTests.emotion)
        var result = try analyzer.analyze(path: c.wav("tone", HostileFiles.sine(16000, rate: 16000)))
        try result.checkFinite()
        result.timeline[0].valence = .nan
        let error = #expect(throws: NonFiniteResultError.self) { try result.checkFinite() }
        #expect(error?.field == "timeline[0].valence" && error?.value.isNaN == true)
        result.timeline[0].valence = 0
        result.features.pitchMeanHz = .infinity
        #expect(throws: NonFiniteResultError(field: "features.pitch_mean_hz", value: .infinity)) { try result.checkFinite() }
    }
}
