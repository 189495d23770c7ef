import Emotion
import Foundation
import Testing

/// Issue 13's failures on a held chord: 12 s of C4 + E4 + G4 sines was read as "E minor" (the
/// Krumhansl–Kessler profiles on a smeared chroma) with a tempo of 113 BPM at confidence 0.93
/// (the partials' beating read as onsets), although nothing in it starts or repeats.
@Suite struct SteadyChordTests {
    static func triad(seconds: Double = 12) -> [Float] {
        let n = Int(seconds * 16000)
        return (0..<n).map { i in
            Float([60, 64, 67].reduce(0.0) { $0 + 0.15 * sin(2 * Double.pi * Synth.midi($1) * Double(i) / 16000) })
        }
    }

    @Test func steadyMajorTriadIsCMajor() throws {
        let key = try #require(try FeatureExtractor.analyze(Self.triad()).summary.key)
        print("C4+E4+G4: \(key.name), r \(key.correlation), mode gap \(key.modeConfidence)")
        #expect(key.name == "C major")
    }

    @Test func steadyTriadHasNoTempo() throws {
        let summary = try FeatureExtractor.analyze(Self.triad()).summary
        print("C4+E4+G4: tempo \(summary.tempo.map { "\($0.bpm) BPM, confidence \($0.confidence)" } ?? "none"), onsets \(summary.onsetRate)/s")
        #expect(summary.tempo == nil)
        #expect(summary.emotionCues[.tempoConfidence] == 0)
    }

    /// The same triad struck every 0.5 s (a 10 ms fade-in per note): the onset gate must still
    /// see the attacks, and the tempo is 120 BPM.
    @Test func repeatedTriadKeepsItsTempo() throws {
        let held = Self.triad(seconds: 8)
        let struck = held.indices.map { i in held[i] * Float(min(1, Double(i % 8000) / 160)) * Float(exp(-Double(i % 8000) / 4000)) }
        let tempo = try #require(try FeatureExtractor.analyze(struck).summary.tempo)
        print("struck triad: \(tempo.bpm) BPM, confidence \(tempo.confidence)")
        #expect(abs(tempo.bpm - 120) / 120 <= 0.02)
    }
}
