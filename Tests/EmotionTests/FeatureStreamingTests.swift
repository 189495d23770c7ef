import AudioIO
import DSP
import Emotion
import Foundation
import Testing

/// The extractor streams: any chunking gives the same frames and summary as one piece, frames
/// are 1 + n/160, and bad input is reported with its position in the file.
@Suite struct FeatureStreamingTests {
    /// 3.3 s: a drum loop over a 220 Hz tone, so every feature is non-trivial.
    static let signal: [Float] = zip(Synth.rhythm(.rock, bpm: 120, seconds: 3.3),
                                     Synth.harmonicTone(f0: 220, count: 52800)).map { $0 + Float($1) }

    /// Tolerance: exact equality; chunking changes no arithmetic.
    @Test(arguments: [1, 159, 4096, 70001])
    func chunkingChangesNothing(chunk: Int) throws {
        let whole = try FeatureExtractor.analyze(Self.signal)
        let extractor = try FeatureExtractor()
        var start = 0
        while start < Self.signal.count {
            let end = min(start + chunk, Self.signal.count)
            try Self.signal[start..<end].withUnsafeBufferPointer { try extractor.process($0) }
            start = end
        }
        let summary = extractor.finish()
        #expect(extractor.frames == whole.frames)
        #expect(summary == whole.summary)
    }

    @Test(arguments: [0, 1, 159, 160, 161, 16000])
    func frameCount(samples: Int) throws {
        let frames = try FeatureExtractor.analyze([Float](repeating: 0.1, count: samples)).frames
        #expect(frames.count == (samples == 0 ? 0 : 1 + samples / 160))
        #expect(frames.chroma.count == 12 * frames.count && frames.f0.count == frames.count)
    }

    @Test func withoutKeptFramesTheSummaryIsTheSame() throws {
        let whole = try FeatureExtractor.analyze(Self.signal)
        let extractor = try FeatureExtractor(keepFrames: false)
        try extractor.process(Self.signal)
        #expect(extractor.finish() == whole.summary)
        #expect(extractor.frames.count == 0)
    }

    @Test func nonFiniteSampleIsReportedWithItsFileIndex() throws {
        let extractor = try FeatureExtractor()
        try extractor.process([Float](repeating: 0, count: 1000))
        #expect(throws: DSPError.nonFiniteSample(index: 1003, value: .infinity)) {
            try extractor.process([0, 0, 0, .infinity])
        }
    }

    @Test func rejectsOtherRatesAndBadRanges() {
        var config = FeatureConfig()
        config.sampleRate = 44100
        #expect(throws: DSPError.self) { try FeatureExtractor(config: config) }
        config = FeatureConfig()
        config.f0Min = 20          // a 50 ms period does not fit twice in the 64 ms frame
        #expect(throws: DSPError.self) { try FeatureExtractor(config: config) }
        config = FeatureConfig()
        config.periodicThreshold = 1.5   // a correlation is at most 1: nothing would be periodic
        #expect(throws: DSPError.self) { try FeatureExtractor(config: config) }
    }
}
