import Emotion
import Foundation
import Testing

/// The modulation rate (ModulationRate.swift) follows how fast events come, whatever an onset
/// count or a tempo tracker makes of them.
@Suite struct ModulationRateTests {
    static func rate(_ samples: [Float]) throws -> Double? {
        try FeatureExtractor.analyze(samples).summary.modulationRate
    }

    /// Syllable trains (SpeechRateTests: voiced syllables, ±20 % timing jitter, ±3 dB levels, a
    /// pause every fifth syllable) at 2 … 8 syllables/s, 3 s each (fast speech is that short):
    /// each faster train has the higher rate. The failure it guards: on espeak-ng speech the onset
    /// count barely moved with the speaking rate (rate 150 % against 65 %: 4.8 against 4.7 onsets/s).
    @Test func risesWithTheSyllableRate() throws {
        let syllableRates = [2.0, 3, 4, 6, 8]
        let measured = try syllableRates.enumerated().map { i, r in
            try Self.rate(SpeechRateTests.syllableTrain(rate: r, seconds: 3, seed: UInt64(40 + i)).samples) ?? 0
        }
        print("modulation rate of syllable trains at \(syllableRates) /s: \(measured.map { String(format: "%.2f Hz", $0) })")
        for (slower, faster) in zip(measured, measured.dropFirst()) { #expect(faster > slower, "\(measured)") }
    }

    /// An organ-like melody: sustained harmonic tones (no attack transient), one every eighth note,
    /// legato (each held 92 % of its slot), a held chord on each beat. Slow: 70 BPM, fast: 140 BPM,
    /// the same notes. The failure it guards: the tempo tracker reads such a slow melody at the
    /// eighth-note level (the probe's church organ at 78 BPM: 157 BPM), where it cannot be told
    /// from the fast one; the modulation rate still orders them.
    static func organMelody(bpm: Double, seconds: Double) -> [Float] {
        let fs = Synth.rate, n = Int(seconds * fs), eighth = 30 / bpm
        let melody = [72, 76, 79, 77, 76, 74, 72, 71], chord = [48, 52, 55]
        var y = [Double](repeating: 0, count: n)
        func note(_ m: Int, at start: Double, length: Double, gain: Double) {
            let first = Int(start * fs), count = Int(length * fs), ramp = 0.01 * fs
            let tone = Synth.harmonicTone(f0: Synth.midi(m), count: count, harmonics: 8, amplitude: gain, seed: UInt64(m))
            let shaped = tone.enumerated().map { i, x in x * min(1, Double(i) / ramp, Double(count - i) / ramp) }
            Synth.mix(shaped, into: &y, at: first)
        }
        var k = 0
        while Double(k) * eighth < seconds {
            note(melody[k % melody.count], at: Double(k) * eighth, length: 0.92 * eighth, gain: 0.2)
            if k % 2 == 0 { for m in chord { note(m, at: Double(k) * eighth, length: 0.92 * 2 * eighth, gain: 0.1) } }
            k += 1
        }
        return y.map { Float($0) }
    }

    @Test func aSlowLegatoMelodyInEighthsIsSlowerThanItsDoubleTempoTwin() throws {
        let slow = try FeatureExtractor.analyze(Self.organMelody(bpm: 70, seconds: 8)).summary
        let fast = try FeatureExtractor.analyze(Self.organMelody(bpm: 140, seconds: 8)).summary
        print("organ-like melody: 70 BPM → tempo \(slow.tempo?.bpm ?? 0), modulation \(slow.modulationRate ?? 0) Hz; "
              + "140 BPM → tempo \(fast.tempo?.bpm ?? 0), modulation \(fast.modulationRate ?? 0) Hz")
        #expect(try #require(fast.modulationRate) > #require(slow.modulationRate))
    }

    /// No rate without a modulated level: silence, a steady tone (whose level steps only where it
    /// starts and ends), a held C-major triad of sines (its partials beat), and under 2 s (two lag
    /// windows).
    @Test func noRateWithoutModulation() throws {
        #expect(try Self.rate([Float](repeating: 0, count: 64000)) == nil)
        #expect(try Self.rate(Synth.harmonicTone(f0: 220, count: 64000).map { Float($0) }) == nil)
        let triad = (0..<192_000).map { i in
            Float([60, 64, 67].reduce(0.0) { $0 + 0.2 * sin(2 * .pi * Synth.midi($1) * Double(i) / Synth.rate) })
        }
        #expect(try Self.rate(triad) == nil)
        #expect(try Self.rate(Self.organMelody(bpm: 140, seconds: 1.5)) == nil)
    }
}
