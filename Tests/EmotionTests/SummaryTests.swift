import Emotion
import Foundation
import Testing

/// Functionals and level features on signals whose values are known in closed form.
@Suite struct SummaryTests {
    static func tone(_ frequency: Double, amplitude: Double, seconds: Double) -> [Float] {
        (0..<Int(seconds * 16000)).map { Float(amplitude * sin(2 * .pi * frequency * Double($0) / 16000)) }
    }

    /// A 1 kHz sine of amplitude 0.5: A-weighting is 0 dB at 1 kHz, so the loudness is its level,
    /// 20·log10(0.5/√2) = −9.03 dB. Tolerance 0.05 dB: the Hann-weighted mean square of a frame
    /// holding a non-integer number of periods differs slightly from the sine's power (measured
    /// ≤ 0.03 dB). The loudness CV stays under 0.03: only the first and last frames, which see
    /// the tone partly, vary.
    @Test func loudnessOfAReferenceTone() throws {
        let summary = try FeatureExtractor.analyze(Self.tone(1000, amplitude: 0.5, seconds: 2)).summary
        let expected = 20 * log10(0.5 / 2.0.squareRoot())
        print("1 kHz at −9.03 dB:", summary.loudness)
        #expect(abs(summary.loudness.p50DB - expected) < 0.05)
        #expect(abs(summary.loudness.p10DB - expected) < 0.05 && abs(summary.loudness.p90DB - expected) < 0.05)
        #expect(summary.loudness.cv < 0.03)
        #expect(summary.silenceFraction == 0 && summary.clippingFraction == 0)
    }

    /// A-weighting relative to 1 kHz: 250 Hz −8.6 dB, 500 Hz −3.2 dB, 4 kHz +1.0 dB (IEC 61672-1
    /// table 3). Tolerance 0.15 dB: the table's rounding (0.05) plus the tone's spread over the
    /// Hann main lobe (±80 Hz), whose bins carry different weights. Below ~200 Hz that spread
    /// matters: a 100 Hz tone measures −18.55 dB against the table's −19.1.
    @Test(arguments: [(250.0, -8.6), (500, -3.2), (4000, 1.0)])
    func aWeighting(frequency: Double, expected: Double) throws {
        let tone = try FeatureExtractor.analyze(Self.tone(frequency, amplitude: 0.5, seconds: 1)).summary
        let reference = try FeatureExtractor.analyze(Self.tone(1000, amplitude: 0.5, seconds: 1)).summary
        let difference = tone.loudness.p50DB - reference.loudness.p50DB
        print(String(format: "loudness %.0f Hz − 1 kHz: %.2f dB (IEC 61672-1: %.1f dB)", frequency, difference, expected))
        #expect(abs(difference - expected) < 0.15)
    }

    /// White noise has a flat density: the alpha ratio's bands hold 128 bins (1–5 kHz) and 30
    /// (62.5 Hz–1 kHz), 10·log10(128/30) = 6.30 dB; slopes are 0 dB/kHz; flatness is e^−γ = 0.56
    /// for exponentially distributed bin powers. Tolerances cover the scatter of per-frame values
    /// and the bias of averaging them in dB (Jensen): 0.5 dB, 3 dB/kHz (0–500 Hz holds 15 bins,
    /// per-frame sd ~15 dB/kHz), 0.05.
    @Test func whiteNoiseSpectralShape() throws {
        let noise = Synth.noise(48000, seed: 3).map { Float(0.1 * $0) }
        let summary = try FeatureExtractor.analyze(noise).summary
        print("white noise: alpha ratio \(summary.alphaRatio), slopes \(summary.slope0To500) \(summary.slope500To1500), "
              + "flatness \(summary.spectralFlatness), Hammarberg \(summary.hammarbergIndex)")
        #expect(abs(summary.alphaRatio.mean - 10 * log10(128.0 / 30)) < 0.5)
        #expect(abs(summary.slope0To500.mean) < 3 && abs(summary.slope500To1500.mean) < 1)
        #expect(abs(summary.spectralFlatness.mean - exp(-0.5772)) < 0.05)
        #expect(summary.alphaRatio.cv == nil && summary.spectralCentroid.cv != nil)
    }

    /// One second of tone, one of digital silence: half the frames silent, and the functionals
    /// cover the tone only.
    @Test func silenceIsGatedOut() throws {
        let x = Self.tone(1000, amplitude: 0.5, seconds: 1) + [Float](repeating: 0, count: 16000)
        let summary = try FeatureExtractor.analyze(x).summary
        print("tone then silence: silence fraction \(summary.silenceFraction), threshold \(summary.silenceThresholdDB) dB")
        #expect(abs(summary.silenceFraction - 0.5) < 0.02)
        #expect(abs(summary.spectralCentroid.mean - 1000) < 50)
        #expect(abs(summary.loudness.meanDB - 20 * log10(0.5 / 2.0.squareRoot())) < 1)
    }

    @Test func allSilence() throws {
        let summary = try FeatureExtractor.analyze([Float](repeating: 0, count: 32000)).summary
        #expect(summary.silenceFraction == 1 && summary.pitch == nil && summary.key == nil)
        #expect(summary.voicedFraction == 0 && summary.periodicFraction == 0 && summary.speechRate == 0 && summary.onsetRate == 0)
        #expect(summary.rms == Functionals(mean: 0, sd: 0, cv: 0))
    }

    @Test func emptyInput() throws {
        let (frames, summary) = try FeatureExtractor.analyze([])
        #expect(frames.count == 0 && summary.frames == 0 && summary.durationSeconds == 0)
        #expect(summary.tempo == nil && summary.pitch == nil && summary.key == nil)
    }

    /// A sine of amplitude 1.2 clipped at ±1: samples at |x| ≥ 0.999 make up
    /// (2/π)·acos(0.999/1.2) = 0.3739 of them (tolerance 0.005: the sampled phases).
    @Test func clippingFraction() throws {
        let x = Self.tone(997, amplitude: 1.2, seconds: 1).map { min(1, max(-1, $0)) }
        let summary = try FeatureExtractor.analyze(x).summary
        print("clipped sine: clipping fraction \(summary.clippingFraction)")
        #expect(abs(summary.clippingFraction - 2 / Double.pi * acos(0.999 / 1.2)) < 0.005)
    }

    /// Codable both ways; nil estimates (here: no tempo under 4 s) are left out of the JSON.
    @Test func summaryRoundTripsThroughJSON() throws {
        let summary = try FeatureExtractor.analyze(FeatureStreamingTests.signal).summary
        let data = try JSONEncoder().encode(summary)
        #expect(try JSONDecoder().decode(FeatureSummary.self, from: data) == summary)
        let keys = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        #expect(keys.contains("loudness") && keys.contains("pitch") && keys.contains("speechRate"))
        #expect(summary.tempo == nil && !keys.contains("tempo"))
    }
}
