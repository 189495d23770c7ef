/// Functionals of one file's features: what the emotion model reads. Loudness, spectral and chroma
/// functionals cover the non-silent frames (loudness ≥ `silenceThresholdDB`); pitch functionals
/// cover the voiced frames. Units follow `FeatureFrames`.
public struct FeatureSummary: Codable, Sendable, Equatable {
    public var durationSeconds: Double
    public var frames: Int
    /// The silence gate, dB: loudness p99 − silenceRangeDB, or silenceFloorDB when p99 is under it
    /// (near-silence: every frame silent), whole dB.
    public var silenceThresholdDB: Double
    /// Fraction of frames below the silence gate.
    public var silenceFraction: Double
    /// Fraction of samples with |x| ≥ `FeatureConfig.clipLevel`.
    public var clippingFraction: Double
    public var loudness: LoudnessSummary
    public var rms: Functionals
    public var zeroCrossingRate: Functionals
    public var spectralCentroid: Functionals
    public var spectralRolloff: Functionals
    public var spectralFlatness: Functionals
    public var spectralFlux: Functionals
    /// dB-valued: `cv` is nil.
    public var alphaRatio: Functionals
    public var hammarbergIndex: Functionals
    public var slope0To500: Functionals
    public var slope500To1500: Functionals
    /// Voiced frames over non-silent frames.
    public var voicedFraction: Double
    /// Periodic frames (normalized autocorrelation at the period ≥ `FeatureConfig.periodicThreshold`)
    /// over non-silent frames.
    public var periodicFraction: Double
    /// Nil when no frame is voiced.
    public var pitch: PitchSummary?
    /// Nil for files under about 4 s or without onsets.
    public var tempo: TempoEstimate?
    /// Onsets per second (OnsetDetector.swift).
    public var onsetRate: Double
    /// The loudness envelope's modulation-spectrum centroid, Hz (ModulationRate.swift); nil under
    /// 2 s or for a constant level.
    public var modulationRate: Double?
    /// Mean chroma of the non-silent frames, C … B.
    public var chroma: [Double]
    /// The key chroma (KeyChroma.swift): the mean harmonic pitch class profile of the non-silent
    /// key frames folded to C … B at the estimated tuning, largest class 1 (all 0 without sound).
    public var keyChroma: [Double]
    /// That tuning, cents from A4 = 440 Hz (−50 … 50).
    public var tuningCents: Double
    /// From `keyChroma`; nil when it is flat.
    public var key: KeyEstimate?
    /// Syllable nuclei per second of the whole file (SyllableNuclei.swift).
    public var speechRate: Double
}

/// Mean, population standard deviation and coefficient of variation (sd / mean; nil for
/// features on an interval scale such as dB, where a ratio means nothing).
public struct Functionals: Codable, Sendable, Equatable {
    public var mean: Double
    public var sd: Double
    public var cv: Double?

    public init(mean: Double, sd: Double, cv: Double?) {
        self.mean = mean; self.sd = sd; self.cv = cv
    }
}

/// Loudness in dB (mean and percentiles over the non-silent frames) and its coefficient of
/// variation on a ratio scale: of 10^(0.03·dB) = (mean square)^0.3, Stevens' power law for
/// loudness, as openSMILE's loudness is (intensity)^0.3 (ref: Stevens 1957, Psychol. Rev. 64(3);
/// eGeMAPS, Eyben et al. 2016, uses loudness's coefficient of variation).
public struct LoudnessSummary: Codable, Sendable, Equatable {
    public var meanDB: Double
    public var p10DB: Double
    public var p50DB: Double
    public var p90DB: Double
    public var cv: Double
}

/// F0 over the voiced frames, in Hz, its coefficient of variation, and its 20th–80th percentile
/// range in semitones (eGeMAPS's F0 range); HNR's mean in dB.
public struct PitchSummary: Codable, Sendable, Equatable {
    public var meanHz: Double
    public var medianHz: Double
    public var p10Hz: Double
    public var p20Hz: Double
    public var p80Hz: Double
    public var p90Hz: Double
    public var cv: Double
    public var rangeSemitones: Double
    public var hnrMeanDB: Double
}

/// Tempo in beats per minute and a confidence: the normalized onset autocorrelation at the beat
/// period or at two beats, whichever is larger (0 … 1; 1 for strictly periodic onsets). See
/// Tempo.swift.
public struct TempoEstimate: Codable, Sendable, Equatable {
    public var bpm: Double
    public var confidence: Double

    public init(bpm: Double, confidence: Double) {
        self.bpm = bpm; self.confidence = confidence
    }
}

/// A key: tonic pitch class (0 = C … 11 = B), mode, its name ("A minor"), the Albrecht–Shanahan
/// profile correlation and the major/minor gap. See Tonal.swift.
public struct KeyEstimate: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable { case major, minor }
    public static let pitchClassNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
    public var tonic: Int
    public var mode: Mode
    public var name: String
    public var correlation: Double
    public var modeConfidence: Double

    public init(tonic: Int, mode: Mode, correlation: Double, modeConfidence: Double) {
        self.tonic = tonic
        self.mode = mode
        name = "\(Self.pitchClassNames[tonic]) \(mode.rawValue)"
        self.correlation = correlation
        self.modeConfidence = modeConfidence
    }
}
