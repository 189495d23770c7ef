/// Per-frame features of one file, one array per feature, all `count` long (chroma 12·count,
/// row-major); frame t is centred at t·hopSeconds s (`FeatureConfig`). Definitions, units and
/// references are in the doc comment of each feature's file in Sources/Emotion/Features.
public struct FeatureFrames: Codable, Sendable, Equatable {
    public var hopSeconds: Double
    public var count = 0
    /// A-weighted level, dB re full scale (Loudness.swift).
    public var loudness: [Float] = []
    /// Full-scale units (RMS.swift).
    public var rms: [Float] = []
    /// Crossings per sample pair (ZeroCrossingRate.swift).
    public var zeroCrossingRate: [Float] = []
    /// Hz (SpectralCentroid.swift, SpectralRolloff.swift).
    public var spectralCentroid: [Float] = []
    public var spectralRolloff: [Float] = []
    /// 0 … 1 (SpectralFlatness.swift).
    public var spectralFlatness: [Float] = []
    /// 0 … √2 (SpectralFlux.swift).
    public var spectralFlux: [Float] = []
    /// dB (AlphaRatio.swift, HammarbergIndex.swift).
    public var alphaRatio: [Float] = []
    public var hammarbergIndex: [Float] = []
    /// dB/kHz over 0–500 Hz and 500–1500 Hz (SpectralSlope.swift).
    public var slope0To500: [Float] = []
    public var slope500To1500: [Float] = []
    /// Level of the 64 ms pitch frame, dB re full scale, unweighted (YIN.swift; the contour
    /// SyllableNuclei.swift counts peaks in).
    public var intensity: [Float] = []
    /// Hz, 0 when unvoiced (YIN.swift).
    public var f0: [Float] = []
    /// YIN's d′ at the period: 0 periodic … ~1 noise (YIN.swift).
    public var aperiodicity: [Float] = []
    public var voiced: [Bool] = []
    /// Normalized autocorrelation at the period, 0 … 1 (YIN.swift).
    public var periodicity: [Float] = []
    /// dB, 0 when unvoiced (HNR.swift).
    public var hnr: [Float] = []
    /// Full-scale power units (OnsetStrength.swift).
    public var onsetStrength: [Float] = []
    /// [count, 12], C … B, each frame's largest class 1 (Chroma.swift).
    public var chroma: [Float] = []

    public init(hopSeconds: Double) { self.hopSeconds = hopSeconds }

    mutating func append(_ frame: FrameFeatures) {
        count += 1
        loudness.append(frame.loudness)
        rms.append(frame.rms)
        zeroCrossingRate.append(frame.zeroCrossingRate)
        spectralCentroid.append(frame.spectralCentroid)
        spectralRolloff.append(frame.spectralRolloff)
        spectralFlatness.append(frame.spectralFlatness)
        spectralFlux.append(frame.spectralFlux)
        alphaRatio.append(frame.alphaRatio)
        hammarbergIndex.append(frame.hammarbergIndex)
        slope0To500.append(frame.slope0To500)
        slope500To1500.append(frame.slope500To1500)
        intensity.append(frame.pitch.level)
        f0.append(frame.pitch.f0)
        aperiodicity.append(frame.pitch.aperiodicity)
        voiced.append(frame.pitch.voiced)
        periodicity.append(frame.pitch.periodicity)
        hnr.append(frame.pitch.hnr)
        onsetStrength.append(frame.onsetStrength)
        for c in 0..<Chroma.classes { chroma.append(frame.chroma[c]) }
    }
}

/// One frame's features, as `FeatureExtractor` computes them.
struct FrameFeatures {
    var loudness: Float = 0
    var rms: Float = 0
    var zeroCrossingRate: Float = 0
    var spectralCentroid: Float = 0
    var spectralRolloff: Float = 0
    var spectralFlatness: Float = 0
    var spectralFlux: Float = 0
    var alphaRatio: Float = 0
    var hammarbergIndex: Float = 0
    var slope0To500: Float = 0
    var slope500To1500: Float = 0
    var pitch = PitchFrame()
    var onsetStrength: Float = 0
    var chroma = PitchClasses()
}
