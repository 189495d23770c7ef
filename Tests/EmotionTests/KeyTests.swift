import Emotion
import Foundation
import Testing

/// Key and mode of synthesized cadences in all 24 keys: I–IV–V–I in major, i–iv–V–i in minor
/// (harmonic minor's major dominant), 0.5 s per chord; each chord a close triad from the tonic
/// near C4 plus its root an octave below, every note 6 harmonics at 1/h amplitude.
@Suite struct KeyTests {
    /// Semitones above the tonic of each chord's notes (root first).
    static func progression(minor: Bool) -> [[Int]] {
        let tonic = minor ? [0, 3, 7] : [0, 4, 7]
        let subdominant = minor ? [5, 8, 12] : [5, 9, 12]
        let dominant = [7, 11, 14].map { $0 - 12 }           // V a fifth below, as a bass moves
        return [tonic, subdominant, dominant, tonic]
    }

    /// The cadence, every note `cents` off equal temperament at A4 = 440 Hz.
    static func cadence(tonic: Int, minor: Bool, cents: Double = 0) -> [Float] {
        render(progression(minor: minor), tonic: tonic, samplesPerChord: 8000, cents: cents)
    }

    /// `chords` (semitones above the tonic, root first), `samplesPerChord` each, every note `cents`
    /// off equal temperament.
    static func render(_ chords: [[Int]], tonic: Int, samplesPerChord n: Int, cents: Double = 0) -> [Float] {
        var y: [Double] = []
        for chord in chords {
            var segment = [Double](repeating: 0, count: n)
            for note in chord + [chord[0] - 12] {
                let tone = Synth.harmonicTone(f0: Synth.midi(60 + tonic + note) * exp2(cents / 1200), count: n, harmonics: 6,
                                              amplitude: 0.05, seed: UInt64(note + 100))
                for i in 0..<n { segment[i] += tone[i] * min(1, Double(min(i, n - 1 - i)) / 160) }
            }
            y += segment
        }
        return y.map { Float($0) }
    }

    /// The issue's bound: at least 22 of the 24 keys right (tonic and mode), and no relative or
    /// mediant confusion (the keys sharing two notes of the tonic triad, issue 13).
    @Test func cadencesInAllKeys() throws {
        var correct = 0, misses: [String] = [], correlations: [Double] = [], thirds = 0
        for minor in [false, true] {
            for tonic in 0..<12 {
                let key = try FeatureExtractor.analyze(Self.cadence(tonic: tonic, minor: minor)).summary.key
                let expected = KeyEstimate(tonic: tonic, mode: minor ? .minor : .major, correlation: 0, modeConfidence: 0)
                if let key, key.tonic == tonic, key.mode == expected.mode {
                    correct += 1
                    correlations.append(key.correlation)
                } else {
                    misses.append("\(expected.name) → \(key?.name ?? "none")")
                    if let key, key.mode != expected.mode,
                       [3, 4, 8, 9].contains((key.tonic - tonic + 12) % 12) { thirds += 1 }   // relative or mediant
                }
            }
        }
        print("key: \(correct) of 24 right, correlation \(String(format: "%.2f…%.2f", correlations.min() ?? 0, correlations.max() ?? 0))"
              + (misses.isEmpty ? "" : "; missed: " + misses.joined(separator: ", ")))
        #expect(correct >= 22)
        #expect(thirds == 0)
    }

    /// Tuning: the cadences played up to 45 cents sharp or flat (A4 at 429–452 Hz) keep their
    /// key, and the estimated tuning is within 5 cents of the played one (KeyChroma.tuning).
    @Test(arguments: [-45.0, -20, 20, 45])
    func detunedCadencesKeepTheirKey(cents: Double) throws {
        var correct = 0, worst = 0.0
        for (tonic, minor) in [(0, false), (7, false), (9, true), (2, true), (5, false), (11, true)] {
            let summary = try FeatureExtractor.analyze(Self.cadence(tonic: tonic, minor: minor, cents: cents)).summary
            worst = max(worst, abs(summary.tuningCents - cents))
            if let key = summary.key, key.tonic == tonic, key.mode == (minor ? .minor : .major) { correct += 1 }
        }
        print("\(cents) cents: \(correct) of 6 keys right, tuning off by at most \(worst) cents")
        #expect(correct == 6)
        #expect(worst <= 5)
    }

    /// The harmonic sieve: a C3 tone with a 3rd partial (G4) at 0.9 of the fundamental puts a G
    /// into the key chroma nearly as large as its C; the sieve cuts it by 0.6² (keeps 0.64), as the 3rd
    /// partial of the stronger C3 below (`keyHarmonics` 1 counts every peak alike).
    @Test func harmonicSieveDownWeightsPartials() throws {
        let n = 4 * 16000
        let tone = (0..<n).map { i in
            Float(0.1 * sin(2 * .pi * Synth.midi(48) * Double(i) / 16000) + 0.09 * sin(2 * .pi * 3 * Synth.midi(48) * Double(i) / 16000))
        }
        var plain = FeatureConfig()
        plain.keyHarmonics = 1
        let sieved = try FeatureExtractor.analyze(tone).summary.keyChroma
        let unsieved = try FeatureExtractor.analyze(tone, config: plain).summary.keyChroma
        print("C3 + G4: key chroma G/C \(sieved[7] / sieved[0]), without the sieve \(unsieved[7] / unsieved[0])")
        #expect(sieved[7] / sieved[0] < 0.75 * unsieved[7] / unsieved[0])
    }

    /// Two-chord progressions (semitones above the tonic, root first) and their mode.
    static let twoChordPairs: [(minor: Bool, chords: [[Int]])] = [
        (false, [[0, 4, 7], [7, 11, 14].map { $0 - 12 }]),    // I–V
        (false, [[0, 4, 7], [5, 9, 12]]),                      // I–IV
        (true, [[0, 3, 7], [8, 12, 15].map { $0 - 12 }]),     // i–VI
    ]

    /// Short, slow clips that hold two chords (issue 13, round 3): 4 s of I then 4 s of V, of I then
    /// IV, or of i then VI, as the emotion bench's 8 s clips at 60 BPM. The two chords' notes fit
    /// the dominant, subdominant or relative key as well as the true one; the opening chord (the
    /// tonic, KeyOpening.swift) decides. Without it (`keyOpeningWeight` 0) some of them go to the
    /// neighbouring key, which shows the failure mode is there to fix.
    @Test func twoChordClipsKeepTheirTonic() throws {
        var withOpening = 0, without = 0, misses: [String] = []
        var off = FeatureConfig()
        off.keyOpeningWeight = 0
        for tonic in [0, 4, 9] {
            for (minor, chords) in Self.twoChordPairs {
                let clip = Self.render(chords, tonic: tonic, samplesPerChord: 4 * 16000)
                let right = { (key: KeyEstimate?) in key?.tonic == tonic && key?.mode == (minor ? .minor : .major) }
                let key = try FeatureExtractor.analyze(clip).summary.key
                if right(key) { withOpening += 1 } else { misses.append("\(tonic) \(minor ? "minor" : "major") → \(key?.name ?? "none")") }
                if right(try FeatureExtractor.analyze(clip, config: off).summary.key) { without += 1 }
            }
        }
        print("two-chord clips: \(withOpening) of 9 keys right with the opening, \(without) without"
              + (misses.isEmpty ? "" : "; missed: " + misses.joined(separator: ", ")))
        #expect(withOpening == 9)
        #expect(without < 9)
    }

    /// The same clips 20 dB down after 4 s of −90 dBFS noise (a quiet recording's lead-in): the
    /// opening starts from −100 dB (the lowest gate a clip with sound has), and the first chord,
    /// 49 dB above the noise, starts it again, so the noise the gate drops does not fill it.
    @Test func quietTwoChordClipsAfterALeadInKeepTheirTonic() throws {
        let leadIn = Synth.noise(4 * 16000, seed: 7).map { Float($0 * 3.16e-5) }
        var misses: [String] = []
        for tonic in [0, 4, 9] {
            for (minor, chords) in Self.twoChordPairs {
                let clip = leadIn + Self.render(chords, tonic: tonic, samplesPerChord: 4 * 16000).map { $0 * 0.1 }
                let key = try FeatureExtractor.analyze(clip).summary.key
                if key?.tonic != tonic || key?.mode != (minor ? .minor : .major) {
                    misses.append("\(tonic) \(minor ? "minor" : "major") → \(key?.name ?? "none")")
                }
            }
        }
        print("quiet two-chord clips after a lead-in: missed \(misses)")
        #expect(misses.isEmpty)
    }

    @Test func silenceHasNoKey() throws {
        #expect(try FeatureExtractor.analyze([Float](repeating: 0, count: 16000)).summary.key == nil)
    }
}
