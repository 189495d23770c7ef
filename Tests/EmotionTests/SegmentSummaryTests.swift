import Emotion
import Foundation
import Testing

/// `FeatureExtractor`'s segment summaries: consecutive segments of whole frames, closed as they
/// complete, their durations adding up to the input's, each summarising only its own frames.
@Suite struct SegmentSummaryTests {
    /// 5 s of silence, then 7 s of a 220 Hz tone with one clipped sample at 7.5 s.
    static let input: [Float] = {
        var x = [Float](repeating: 0, count: 80000) + (0..<112_000).map { Float(0.3 * sin(2 * Double.pi * 220 * Double($0) / 16000)) }
        x[120_000] = 1
        return x
    }()

    @Test func segmentsCoverTheInputInOrder() throws {
        let extractor = try FeatureExtractor(keepFrames: false, segmentFrames: 500)
        for start in stride(from: 0, to: Self.input.count, by: 7001) {          // chunks across segment ends
            try extractor.process(Array(Self.input[start..<min(start + 7001, Self.input.count)]))
        }
        let file = extractor.finish()
        let segments = extractor.segments
        #expect(segments.map(\.durationSeconds) == [5, 5, 2])
        #expect(segments.map(\.frames) == [500, 500, 201])
        // The last frames of the silent segment reach into the tone (25–64 ms windows).
        #expect(segments[0].silenceFraction > 0.97 && segments[1].silenceFraction < 0.01, "\(segments.map(\.silenceFraction))")
        #expect(segments[1].loudness.meanDB > file.loudness.meanDB - 3)
        #expect(segments.map(\.clippingFraction) == [0, 1.0 / 80000, 0] && file.clippingFraction == 1.0 / 192_000)
        let pitch = try #require(segments[1].pitch)
        #expect(abs(pitch.medianHz - 220) < 1, "\(pitch.medianHz) Hz")
    }

    /// A frame centred just past the last sample (n a multiple of the segment) adds no segment;
    /// no segment frames given, none are kept.
    @Test func edges() throws {
        let whole = try FeatureExtractor(keepFrames: false, segmentFrames: 500)
        try whole.process([Float](repeating: 0.1, count: 80000))
        _ = whole.finish()
        #expect(whole.segments.count == 1 && whole.segments[0].durationSeconds == 5)
        let none = try FeatureExtractor(keepFrames: false)
        try none.process(Self.input)
        _ = none.finish()
        #expect(none.segments.isEmpty)
    }
}
