import Emotion
import Foundation
import Testing

/// YIN on harmonic tones (Synth.harmonicTone: up to 10 harmonics at 1/h amplitude, random
/// phases), 1 s each, through the whole extractor. Error: |F0 − true| / true per voiced frame.
@Suite struct PitchTests {
    /// 80 Hz … 400 Hz in 19 steps of a minor third / 2 (2^(1/8)).
    static let tones = (0..<19).map { 80 * pow(2, Double($0) / 8) }.filter { $0 <= 400.01 }

    /// Per-tone median relative error and voiced fraction of a 1 s tone plus white noise at `snr` dB.
    static func measure(f0: Double, snr: Double?) throws -> (median: Double, voiced: Double, hnr: Double) {
        var x = Synth.harmonicTone(f0: f0, count: 16000, seed: UInt64(f0))
        if let snr {
            let power = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
            let noise = Synth.noise(x.count, seed: 99)
            let scale = (power / pow(10, snr / 10)).squareRoot()
            for i in x.indices { x[i] += scale * noise[i] }
        }
        let frames = try FeatureExtractor.analyze(x.map { Float($0) }).frames
        // Frames whose 64 ms pitch frame lies inside the tone.
        let inside = 4..<(frames.count - 4)
        let errors = inside.filter { frames.voiced[$0] }.map { abs(Double(frames.f0[$0]) - f0) / f0 }.sorted()
        let hnr = inside.filter { frames.voiced[$0] }.map { Double(frames.hnr[$0]) }
        return (errors.isEmpty ? 1 : errors[errors.count / 2], Double(errors.count) / Double(inside.count),
                hnr.isEmpty ? 0 : hnr.reduce(0, +) / Double(hnr.count))
    }

    /// Tolerance: median error ≤ 1 % for every tone (the bound; YIN with parabolic
    /// interpolation measures ~0.01 %), ≥ 95 % of frames voiced.
    @Test(arguments: [nil, 20.0]) func harmonicTones(snr: Double?) throws {
        var worst = 0.0, leastVoiced = 1.0, hnrs: [Double] = []
        for f0 in Self.tones {
            let (median, voiced, hnr) = try Self.measure(f0: f0, snr: snr)
            worst = max(worst, median)
            leastVoiced = min(leastVoiced, voiced)
            hnrs.append(hnr)
            #expect(median <= 0.01, "\(f0) Hz: median error \(median)")
            #expect(voiced >= 0.95, "\(f0) Hz: voiced fraction \(voiced)")
        }
        print(String(format: "YIN on %d harmonic tones 80–400 Hz%@: largest per-tone median error %.4f%%, "
                     + "least voiced fraction %.3f, mean HNR %.1f…%.1f dB", Self.tones.count,
                     snr.map { String(format: " + white noise at %.0f dB SNR", $0) } ?? "",
                     100 * worst, leastVoiced, hnrs.min()!, hnrs.max()!))
    }

    /// White noise: mostly unvoiced and aperiodic (YIN's aperiodicity stays above the voicing
    /// threshold, the normalized autocorrelation under the periodicity threshold).
    @Test func noiseIsUnvoiced() throws {
        let noise = Synth.noise(32000, seed: 5).map { Float(0.1 * $0) }
        let summary = try FeatureExtractor.analyze(noise).summary
        print("white noise: voiced fraction \(summary.voicedFraction), periodic fraction \(summary.periodicFraction)")
        #expect(summary.voicedFraction < 0.05 && summary.periodicFraction < 0.05)
    }

    /// A jittery low voice is periodic though YIN calls much of it unvoiced: sustained vowels with
    /// 2 % jitter (Synth.vowel; Praat counts jitter (local) under about 1 % as normal, so 2 % is a
    /// rough voice, as espeak-ng's low variants are) at 80 and 200 Hz, 3 s each. The periodic
    /// fraction is ≥ 0.95 at both pitches; YIN's voiced fraction at 80 Hz is under 0.7 and at
    /// least 0.2 below 200 Hz's (what the no-YAMNet context used to read, so a lower voice lost
    /// its speech context: Weights/emotion.tsv, context/no_yamnet/speech). Measured: periodic
    /// 1.00 and 1.00, voiced 0.28 and 0.91; the bounds sit well inside, so that another seed's
    /// jitter keeps them, and outside the other measure's values, so that swapping them fails.
    @Test func lowVoiceIsPeriodic() throws {
        var voiced: [Double] = [], periodic: [Double] = []
        for f0 in [80.0, 200] {
            let x = Synth.vowel(f0: f0, jitter: 0.02, count: 48000).map { Float($0) }
            let summary = try FeatureExtractor.analyze(x).summary
            voiced.append(summary.voicedFraction)
            periodic.append(summary.periodicFraction)
        }
        print(String(format: "vowel, 2 %% jitter: 80 Hz voiced %.2f periodic %.2f; 200 Hz voiced %.2f periodic %.2f",
                     voiced[0], periodic[0], voiced[1], periodic[1]))
        #expect(periodic.allSatisfy { $0 >= 0.95 })
        #expect(voiced[0] < 0.7 && voiced[1] - voiced[0] >= 0.2)
    }

    /// Functionals: half a second at 200 Hz, then at 300 Hz — percentiles land on the two
    /// tones, the 20–80 range is 12·log2(1.5) = 7.02 semitones (tolerance 0.1 st: frames at the
    /// junction hold both tones).
    @Test func pitchFunctionals() throws {
        let x = Synth.harmonicTone(f0: 200, count: 16000) + Synth.harmonicTone(f0: 300, count: 16000)
        let pitch = try #require(try FeatureExtractor.analyze(x.map { Float($0) }).summary.pitch)
        print("200 Hz + 300 Hz:", pitch)
        #expect(abs(pitch.p10Hz - 200) < 2 && abs(pitch.p90Hz - 300) < 3)
        #expect(abs(pitch.rangeSemitones - 12 * log2(1.5)) < 0.1)
        #expect(abs(pitch.meanHz - 250) < 5)
        #expect(pitch.hnrMeanDB > 20)
    }
}
