import Emotion
import Foundation
import Testing

/// Tempo of click tracks and drum loops (Synth.rhythm) at 60–180 BPM, 6 s each, through the
/// whole extractor. A result passes within ±2 % of the true tempo; outside 80–160 BPM, half or
/// double the tempo within ±2 % also passes (there the prior centred on 120 BPM may rightly
/// prefer the other octave, e.g. 90 for 180); inside 80–160 an octave error fails.
@Suite struct TempoTests {
    static let tempos: [Double] = Array(stride(from: 60.0, through: 180, by: 10)) + [97.3, 133.7, 171.1]

    static func check(_ label: String, tempos: [Double] = tempos, _ signal: (Double) -> [Float]) throws {
        var failures: [String] = [], octaves = 0, worst = 0.0, confidences: [Double] = []
        for bpm in tempos {
            let summary = try FeatureExtractor.analyze(signal(bpm)).summary
            let estimate = try #require(summary.tempo, "\(label) \(bpm) BPM: no tempo")
            let error = abs(estimate.bpm - bpm) / bpm
            let octave = [2.0, 0.5].contains { abs(estimate.bpm / $0 - bpm) / bpm <= 0.02 }
            if error <= 0.02 {
                worst = max(worst, error)
            } else if octave && !(80...160).contains(bpm) {
                octaves += 1
            } else {
                failures.append(String(format: "%.1f → %.2f", bpm, estimate.bpm))
            }
            confidences.append(estimate.confidence)
        }
        print(String(format: "tempo, %@: %d of %d within ±2%% (largest error %.2f%%), %d octave off outside 80–160, "
                     + "confidence %.2f…%.2f%@", label, tempos.count - failures.count - octaves, tempos.count,
                     100 * worst, octaves, confidences.min()!, confidences.max()!,
                     failures.isEmpty ? "" : "; failed: " + failures.joined(separator: ", ")))
        #expect(failures.isEmpty, "\(label): \(failures)")
    }

    @Test func clickTracks() throws {
        try Self.check("click tracks") { Synth.rhythm(.clicks, bpm: $0, seconds: 6) }
    }

    @Test func rockLoops() throws {
        try Self.check("rock loops (kick 1+3, snare 2+4, eighth hi-hats)") { Synth.rhythm(.rock, bpm: $0, seconds: 6) }
    }

    /// The snare at 0.6 of the kick's level and quieter hi-hats: the two-beat period (kick to
    /// kick) now dominates the autocorrelation, the case the metrical-level rule is for.
    @Test func rockLoopsWithSoftSnare() throws {
        try Self.check("rock loops, snare −4.4 dB, hi-hats −9.5 dB", tempos: Array(stride(from: 60.0, through: 180, by: 20))) {
            Synth.rhythm(.rock, bpm: $0, seconds: 6, snareGain: 0.6, hatAmplitude: 0.05)
        }
    }

    @Test func fourOnTheFloorLoops() throws {
        try Self.check("four-on-the-floor loops (kick every beat, snare 2+4, off-beat hi-hats)") {
            Synth.rhythm(.fourOnTheFloor, bpm: $0, seconds: 6)
        }
    }

    @Test func onsetRateCountsClicks() throws {
        for bpm in [60.0, 120, 180] {
            let summary = try FeatureExtractor.analyze(Synth.rhythm(.clicks, bpm: bpm, seconds: 6)).summary
            print(String(format: "onset rate at %.0f BPM: %.2f /s (clicks: %.2f /s)", bpm, summary.onsetRate, bpm / 60))
            #expect(abs(summary.onsetRate - bpm / 60) <= 0.11, "\(bpm) BPM: \(summary.onsetRate) onsets/s")
        }
    }

    @Test func shortOrSteadyAudioHasNoTempo() throws {
        #expect(try FeatureExtractor.analyze(Synth.rhythm(.clicks, bpm: 120, seconds: 3)).summary.tempo == nil)
        let tone = Synth.harmonicTone(f0: 220, count: 160_000).map { Float($0) }
        let steady = try FeatureExtractor.analyze(tone).summary
        print("steady tone: tempo \(String(describing: steady.tempo)), onset rate \(steady.onsetRate)")
        #expect(steady.tempo.map { $0.confidence < 0.2 } ?? true)
    }
}
