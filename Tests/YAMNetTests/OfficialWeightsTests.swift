import AudioIO
import Foundation
import Testing
import TestSupport
import YAMNet

/// With the official weights in Weights/yamnet.bin (Scripts/fetch-weights), YAMNet must meet
/// the reference implementation's own expectations (ref: yamnet_test.py). Those weights cannot
/// be downloaded in CI, so without the file the suite is skipped and says why.
private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let officialWeights = repositoryRoot.appendingPathComponent("Weights/yamnet.bin").path

@Suite(.enabled(if: FileManager.default.fileExists(atPath: officialWeights),
                "Weights/yamnet.bin is absent: run Scripts/fetch-weights to enable the official-weights check"))
struct OfficialWeightsTests {

    func topClass(_ waveform: [Float]) throws -> String {
        let model = try YAMNet(weights: YAMNet.Weights(path: officialWeights))
        let classes = try ClassMap(path: repositoryRoot.appendingPathComponent("Weights/yamnet_class_map.csv").path)
        let output = try model(waveform)
        let c = output.scores.shape[1]
        var mean = [Float](repeating: 0, count: c)
        for p in 0..<output.patchCount { for j in 0..<c { mean[j] += output.scores.data[p * c + j] } }
        return classes.displayNames[mean.indices.max { mean[$0] < mean[$1] }!]
    }

    @Test func silence() throws { #expect(try topClass([Float](repeating: 0, count: 48000)) == "Silence") }

    @Test func sine() throws {
        #expect(try topClass((0..<48000).map { Float(sin(2 * Double.pi * 440 * Double($0) / 16000)) }) == "Sine wave")
    }

    @Test func whiteNoise() throws {
        var random = TestRandom(seed: 42)
        #expect(try topClass(random.array(48000, -1, 1)) == "White noise")
    }
}
