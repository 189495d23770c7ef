@testable import Analysis
import AudioIO
import Emotion
import Foundation
import Testing
import TestSupport

/// The emotion model's directions on audio (issue #5): faster, louder, brighter, higher- and
/// more-variably-pitched speech reads as more aroused; major music as more positive than the
/// same music in minor; silence as neutral with low confidence and a warning. Speech is espeak-ng
/// (CI installs it); YAMNet is off, so only the acoustic cues decide. Each test prints its values.
@Suite(.enabled(if: Clips.espeak != nil, "espeak-ng is not installed (apt-get install -y espeak-ng)"))
struct DirectionTests {
    static let text = "The weather turned quickly this afternoon, and everyone on the street hurried home before the rain began to fall."
    /// A fresh analyzer per call: tests run in parallel, one analysis at a time per analyzer.
    static var analyzer: MoodAnalyzer { MoodAnalyzer(yamnet: nil, classes: nil, emotion: MoodResultTests.emotion) }

    static func result(_ path: String) throws -> MoodResult { try analyzer.analyze(path: path, ffmpeg: nil) }

    /// Speech samples as floats (16 kHz: espeak-ng writes 22.05 kHz, so through the decoder).
    static func samples(_ path: String) throws -> [Float] { try readWaveform(path, sampleRate: Clips.rate) }

    /// `high` must exceed `low` by 0.05 on the [−1, 1] scale: the analysis is deterministic, so
    /// any positive step would pass; 0.05 (2.5 % of the range, about a tenth of the step between
    /// neighbouring label prototypes) asks that the cue move the estimate visibly, not by a hair.
    static func expectHigher(_ label: String, _ low: MoodResult, _ high: MoodResult, _ value: KeyPath<MoodResult, Double> = \.arousal) {
        print("\(label): \(low[keyPath: value]) → \(high[keyPath: value])")
        #expect(high[keyPath: value] > low[keyPath: value] + 0.05, "\(label)")
    }

    @Test func fasterSpeechIsMoreAroused() throws {
        let c = try Clips()
        let slow = try Self.result(c.speech("slow", Self.text, ["-s", "120"]))
        let fast = try Self.result(c.speech("fast", Self.text, ["-s", "240"]))
        print("speech rate \(slow.features.speechRate) → \(fast.features.speechRate) syllables/s")
        Self.expectHigher("rate 120 → 240 wpm", slow, fast)
    }

    @Test func louderSpeechIsMoreAroused() throws {
        let c = try Clips()
        let speech = try Self.samples(c.speech("plain", Self.text, []))
        let quiet = try Self.result(c.wav("quiet", speech.map { $0 * 0.1 }))
        let loud = try Self.result(c.wav("loud", speech))
        Self.expectHigher("amplitude ×0.1 → ×1 (+20 dB)", quiet, loud)
    }

    /// Brighter: a first-order pre-emphasis (y[n] = x[n] − 0.9·x[n−1]) tilts the spectrum up by
    /// about 6 dB/octave; the result is scaled back to the original RMS, so only the timbre changes.
    @Test func brighterSpeechIsMoreAroused() throws {
        let c = try Clips()
        let speech = try Self.samples(c.speech("plain", Self.text, []))
        var bright = speech.indices.map { $0 == 0 ? speech[0] : speech[$0] - 0.9 * speech[$0 - 1] }
        func rms(_ x: [Float]) -> Float { (x.reduce(0) { $0 + $1 * $1 } / Float(x.count)).squareRoot() }
        let gain = rms(speech) / rms(bright)
        bright = bright.map { $0 * gain }
        Self.expectHigher("pre-emphasis at equal RMS", try Self.result(c.wav("dull", speech)), try Self.result(c.wav("bright", bright)))
    }

    @Test func higherAndMoreVariablePitchIsMoreAroused() throws {
        let c = try Clips()
        let low = try Self.result(c.speech("low", Self.text, ["-p", "25"]))
        let high = try Self.result(c.speech("high", Self.text, ["-p", "75"]))
        print("median F0 \(low.features.pitchMedianHz ?? .nan) → \(high.features.pitchMedianHz ?? .nan) Hz")
        Self.expectHigher("pitch -p 25 → 75", low, high)
        let ssml = { (range: String) in "<speak><prosody range=\"\(range)\">\(Self.text)</prosody></speak>" }
        let flat = try Self.result(c.speech("flat", ssml("x-low"), ["-m"]))
        let lively = try Self.result(c.speech("lively", ssml("x-high"), ["-m"]))
        print("F0 range \(flat.features.pitchRangeSemitones ?? .nan) → \(lively.features.pitchRangeSemitones ?? .nan) st")
        Self.expectHigher("pitch range x-low → x-high", flat, lively)
    }

    @Test func majorMusicIsMorePositiveThanMinor() throws {
        let c = try Clips()
        for tonic in [57, 60, 64] {
            let major = try Self.result(c.wav("major\(tonic)", Clips.progression(tonic: tonic, major: true)))
            let minor = try Self.result(c.wav("minor\(tonic)", Clips.progression(tonic: tonic, major: false)))
            print("key \(major.features.key ?? "–") / \(minor.features.key ?? "–")")
            Self.expectHigher("I–IV–V–I on MIDI \(tonic): minor → major", minor, major, \.valence)
        }
    }

    @Test func silenceIsNeutralWithLowConfidenceAndAWarning() throws {
        let c = try Clips()
        for (name, samples) in [("digital silence", [Float](repeating: 0, count: 64000)),
                                ("room tone", (0..<64000).map { Float(1e-4 * sin(Double($0) * 0.37)) })] {
            let r = try Self.result(c.wav(name.replacingOccurrences(of: " ", with: "-"), samples))
            print("\(name): \(r.mood) \(r.emotion) confidence \(r.confidence) warnings \(r.warnings)")
            #expect(r.mood == .neutral && r.emotion == .neutral, "\(name)")
            #expect(r.confidence <= 0.3 && r.emotionConfidence <= 0.3, "\(name)")
            #expect(r.warnings.contains { $0.hasPrefix("mostly silence") }, "\(name)")
        }
    }
}
