import ArgumentParser
import Emotion
import Foundation

extension Bench {
    /// `mood bench features`: emotion feature extraction on one core, in × real time, streaming
    /// the bench audio in 0.1 s chunks (summary only, as the worker would) and whole with frames kept.
    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "features", abstract: "Emotion feature extraction throughput on one core (× real time).")

        @Option(help: "Seconds of audio per run.") var seconds: Double = 60
        @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 5

        func run() throws {
            let audio = benchAudio(seconds: seconds)
            let streamed = median(repeats) {
                let extractor = try! FeatureExtractor(keepFrames: false)
                var offset = 0
                while offset < audio.count {
                    let end = min(offset + 1600, audio.count)
                    try! audio[offset..<end].withUnsafeBufferPointer { try extractor.process($0) }
                    offset = end
                }
                _ = extractor.finish()
            }
            var frames = 0
            let whole = median(repeats) { frames = try! FeatureExtractor.analyze(audio).frames.count }
            print(String(format: "features: %.1f s of audio (%d frames): streamed in 0.1 s chunks %.0f ms = %.0f× real time; "
                         + "whole, frames kept %.0f ms = %.0f× real time (median of %d)",
                         seconds, frames, streamed * 1000, seconds / streamed, whole * 1000, seconds / whole, repeats))
        }
    }
}
