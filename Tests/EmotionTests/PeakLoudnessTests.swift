import Emotion
import Foundation
import Testing

/// The music arousal cue `loudness_p90_db` is the level of the notes' peaks (the 90th percentile of
/// the non-silent frames' loudness), not the mean over every frame: a plucked or struck instrument
/// spends most of each note decaying, so its mean sits far below a held instrument's played as
/// hard (emotion bench, probe3: loud kalimba + baritone sax at a mean of −34…−50 dBFS, loud dulcimer + ocarina at −20…−32).
@Suite struct PeakLoudnessTests {
    /// Eight notes of 0.5 s (C major scale from C4, harmonic tones), each either held at `peak` or
    /// starting at `peak` and decaying with a 0.15 s time constant (−29 dB by the next note).
    static func melody(plucked: Bool, peak: Double = 0.2) -> [Float] {
        let note = 8000
        var y: [Double] = []
        for m in [60, 62, 64, 65, 67, 69, 71, 72] {
            let tone = Synth.harmonicTone(f0: Synth.midi(m), count: note, harmonics: 6, amplitude: peak)
            y += tone.indices.map { i in tone[i] * (plucked ? exp(-Double(i) / (0.15 * Synth.rate)) : 1) }
        }
        return y.map(Float.init)
    }

    @Test func pluckedNotesPeakAsLoudAsHeldOnes() throws {
        let held = try FeatureExtractor.analyze(Self.melody(plucked: false)).summary
        let plucked = try FeatureExtractor.analyze(Self.melody(plucked: true)).summary
        let heldCues = held.emotionCues, pluckedCues = plucked.emotionCues
        let peakGap = try #require(heldCues[.loudnessPeakDB]) - #require(pluckedCues[.loudnessPeakDB])
        let meanGap = try #require(heldCues[.loudnessDB]) - #require(pluckedCues[.loudnessDB])
        print("held − plucked: p90 \(peakGap) dB, mean \(meanGap) dB")
        #expect(meanGap > 8)                 // the mean counts the decays
        // The same notes at the same level: the top tenth of a plucked note's frames are its first
        // 50 ms, up to 3 dB into the decay, and a frame spans 25 ms more of it.
        #expect(abs(peakGap) < 5)
    }

    /// The cue follows the recording's gain dB for dB (it is a level, as `loudness_db` is).
    @Test func peakLoudnessFollowsGain() throws {
        let loud = try FeatureExtractor.analyze(Self.melody(plucked: true)).summary.emotionCues
        let soft = try FeatureExtractor.analyze(Self.melody(plucked: true).map { $0 * 0.1 }).summary.emotionCues
        let drop = try #require(loud[.loudnessPeakDB]) - #require(soft[.loudnessPeakDB])
        #expect(abs(drop - 20) < 0.2)
    }
}
