import Foundation

/// Collects each frame's features into bounded-memory statistics and turns them into a
/// `FeatureSummary` at the end of the file: histograms for percentiles, loudness-binned sums for
/// means and spreads behind the silence gate, and the streaming tempo, onset, modulation and syllable state.
struct SummaryAccumulator {
    /// Features summed per loudness bin (then the 12 chroma classes).
    private enum Gated: Int, CaseIterable {
        case loudness, stevensLoudness, rms, zeroCrossingRate, centroid, rolloff, flatness, flux
        case alphaRatio, hammarberg, slope0To500, slope500To1500, voiced, periodic
        /// `allCases.count`, kept (`allCases` builds an array per call).
        static let count = allCases.count
    }
    private let config: FeatureConfig
    private var gated = GatedMoments(features: Gated.count + Chroma.classes)
    /// The key chroma's frame profiles (HarmonicPitchClassProfile), gated like the rest.
    private var keyProfiles = GatedMoments(features: HarmonicPitchClassProfile.bins)
    private var keyOpening: KeyOpening
    /// Loudness and pitch-frame intensity, dB; F0 in semitones re 27.5 Hz.
    private var loudness = Histogram(lower: -120, upper: 10, width: 0.05)
    private var intensity = Histogram(lower: -120, upper: 10, width: 0.05)
    private var semitones = Histogram(lower: 0, upper: 96, width: 0.01)
    private var f0Sum = 0.0, f0Squares = 0.0, hnrSum = 0.0
    private var tempo: TempoEstimator
    private var onsets: OnsetDetector
    private var modulation: ModulationRate
    private var syllables = SyllableNuclei()
    private var frames = 0
    /// One frame's gated values, rewritten by each `add` (allocated once).
    private var values: [Double]

    init(config: FeatureConfig) {
        self.config = config
        tempo = TempoEstimator(frameRate: config.frameRate)
        onsets = OnsetDetector(frameRate: config.frameRate)
        modulation = ModulationRate(frameRate: config.frameRate)
        keyOpening = KeyOpening(config: config)
        values = [Double](repeating: 0, count: gated.features)
    }

    mutating func add(_ frame: FrameFeatures) {
        frames += 1
        values[Gated.loudness.rawValue] = Double(frame.loudness)
        values[Gated.stevensLoudness.rawValue] = pow(10, 0.03 * Double(frame.loudness))
        values[Gated.rms.rawValue] = Double(frame.rms)
        values[Gated.zeroCrossingRate.rawValue] = Double(frame.zeroCrossingRate)
        values[Gated.centroid.rawValue] = Double(frame.spectralCentroid)
        values[Gated.rolloff.rawValue] = Double(frame.spectralRolloff)
        values[Gated.flatness.rawValue] = Double(frame.spectralFlatness)
        values[Gated.flux.rawValue] = Double(frame.spectralFlux)
        values[Gated.alphaRatio.rawValue] = Double(frame.alphaRatio)
        values[Gated.hammarberg.rawValue] = Double(frame.hammarbergIndex)
        values[Gated.slope0To500.rawValue] = Double(frame.slope0To500)
        values[Gated.slope500To1500.rawValue] = Double(frame.slope500To1500)
        values[Gated.voiced.rawValue] = frame.pitch.voiced ? 1 : 0
        values[Gated.periodic.rawValue] = Double(frame.pitch.periodicity) >= config.periodicThreshold ? 1 : 0
        for c in 0..<Chroma.classes { values[Gated.count + c] = Double(frame.chroma[c]) }
        gated.add(values, loudness: Double(frame.loudness))
        loudness.add(Double(frame.loudness))
        intensity.add(Double(frame.pitch.level))
        if frame.pitch.voiced {
            let f0 = Double(frame.pitch.f0)
            semitones.add(12 * log2(f0 / 27.5))
            f0Sum += f0
            f0Squares += f0 * f0
            hnrSum += Double(frame.pitch.hnr)
        }
        tempo.add(frame.onsetStrength)
        onsets.add(frame.onsetStrength)
        modulation.add(levelDB: frame.loudness)
        syllables.add(intensity: frame.pitch.level, voiced: frame.pitch.voiced)
    }

    /// Adds one key frame's harmonic pitch class profile, at the loudness of the frame at its centre.
    mutating func addKeyProfile(_ profile: [Double], loudness: Float) {
        keyProfiles.add(profile, loudness: Double(loudness))
        keyOpening.add(profile, loudness: Double(loudness))
    }

    /// The summary of `samples` samples, `clipped` of them clipped.
    mutating func finish(samples: Int, clipped: Int) -> FeatureSummary {
        onsets.finish()
        return summarize(samples: samples, clipped: clipped)
    }

    /// Starts over for the next segment, keeping every buffer (nothing allocated per segment).
    mutating func reset() {
        gated.reset(); keyProfiles.reset(); keyOpening.reset(); loudness.reset(); intensity.reset(); semitones.reset()
        (f0Sum, f0Squares, hnrSum, frames) = (0, 0, 0, 0)
        tempo.reset(); onsets.reset(); modulation.reset(); syllables.reset()
    }

    private func summarize(samples: Int, clipped: Int) -> FeatureSummary {
        let duration = Double(samples) / Double(config.sampleRate)
        let p99 = loudness.quantile(0.99) ?? -.infinity
        let threshold = (p99 >= config.silenceFloorDB ? p99 - config.silenceRangeDB : config.silenceFloorDB).rounded(.down)
        let gate = GatedMoments.bin(loudness: threshold)
        let sounding = gated.frames(fromBin: gate)
        let functionals = { (feature: Gated, ratioScale: Bool) -> Functionals in
            let (mean, sd) = gated.moments(feature.rawValue, fromBin: gate)
            return Functionals(mean: mean, sd: sd, cv: ratioScale ? (mean != 0 ? sd / abs(mean) : 0) : nil)
        }
        let loudnessGate = binIndex(((threshold - loudness.lower) / loudness.width).rounded(), count: loudness.counts.count)
        let percentile = { (q: Double) in loudness.quantile(q, fromBin: loudnessGate) ?? threshold }
        let chroma = (0..<Chroma.classes).map { gated.moments(Gated.count + $0, fromBin: gate).mean }
        let profile = (0..<HarmonicPitchClassProfile.bins).map { keyProfiles.moments($0, fromBin: gate).mean }
        let tuning = KeyChroma.tuning(profile)
        let keyChroma = KeyChroma.fold(profile, tuning: tuning)
        let opening = keyOpening.profile(fromBin: gate).map { KeyChroma.fold($0, tuning: tuning) }
        return FeatureSummary(
            durationSeconds: duration,
            frames: frames,
            silenceThresholdDB: threshold,
            silenceFraction: frames > 0 ? Double(frames - sounding) / Double(frames) : 0,
            clippingFraction: samples > 0 ? Double(clipped) / Double(samples) : 0,
            loudness: LoudnessSummary(meanDB: gated.moments(Gated.loudness.rawValue, fromBin: gate).mean,
                                      p10DB: percentile(0.1), p50DB: percentile(0.5), p90DB: percentile(0.9),
                                      cv: functionals(.stevensLoudness, true).cv ?? 0),
            rms: functionals(.rms, true),
            zeroCrossingRate: functionals(.zeroCrossingRate, true),
            spectralCentroid: functionals(.centroid, true),
            spectralRolloff: functionals(.rolloff, true),
            spectralFlatness: functionals(.flatness, true),
            spectralFlux: functionals(.flux, true),
            alphaRatio: functionals(.alphaRatio, false),
            hammarbergIndex: functionals(.hammarberg, false),
            slope0To500: functionals(.slope0To500, false),
            slope500To1500: functionals(.slope500To1500, false),
            voicedFraction: gated.moments(Gated.voiced.rawValue, fromBin: gate).mean,
            periodicFraction: gated.moments(Gated.periodic.rawValue, fromBin: gate).mean,
            pitch: pitchSummary(),
            tempo: tempo.estimate(onsets: onsets.count),
            onsetRate: duration > 0 ? Double(onsets.count) / duration : 0,
            modulationRate: modulation.estimate(),
            chroma: chroma,
            keyChroma: keyChroma,
            tuningCents: 100 * tuning,
            key: estimateKey(chroma: keyChroma, opening: opening, openingWeight: config.keyOpeningWeight),
            speechRate: duration > 0
                ? Double(syllables.count(quantile99: Float(intensity.quantile(0.99) ?? 0))) / duration : 0)
    }

    private func pitchSummary() -> PitchSummary? {
        let n = Double(semitones.total)
        guard n > 0 else { return nil }
        let hz = { (q: Double) in 27.5 * exp2(semitones.quantile(q)! / 12) }
        let mean = f0Sum / n
        let sd = max(0, f0Squares / n - mean * mean).squareRoot()
        return PitchSummary(meanHz: mean, medianHz: hz(0.5), p10Hz: hz(0.1), p20Hz: hz(0.2),
                            p80Hz: hz(0.8), p90Hz: hz(0.9), cv: sd / mean,
                            rangeSemitones: semitones.quantile(0.8)! - semitones.quantile(0.2)!,
                            hnrMeanDB: hnrSum / n)
    }
}
