import ArgumentParser
import AudioIO
import Emotion
import Foundation

extension Bench {
    /// `mood bench emotion-cues FILE…`: the emotion model's input cues of each file, one JSON object
    /// a line, for Scripts/emotion-bench/fit.py (which fits the table on them).
    struct EmotionCues: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emotion-cues",
            abstract: "Print each file's emotion cues (Weights/emotion.tsv's feature names), mean chroma, key chroma and tuning as JSON lines, for fitting the model.")

        @Argument(help: "Audio files.") var paths: [String]

        func run() throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for path in paths {
                let extractor = try FeatureExtractor(keepFrames: false)
                try streamWaveform(path, sampleRate: extractor.config.sampleRate) { extractor.process($0) }
                let s = extractor.finish()
                let cues = Dictionary(uniqueKeysWithValues: s.emotionCues.map { ($0.key.rawValue, $0.value) })
                let line = Line(file: path, cues: cues, chroma: s.chroma, keyChroma: s.keyChroma, tuningCents: s.tuningCents,
                                durationS: s.durationSeconds, silenceFraction: s.silenceFraction)
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        }

        struct Line: Encodable {
            var file: String
            var cues: [String: Double]
            var chroma: [Double]
            var keyChroma: [Double]
            var tuningCents: Double
            var durationS: Double
            var silenceFraction: Double
        }
    }
}
