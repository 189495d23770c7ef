import Foundation

extension FeatureSummary {
    /// The cues `Weights/emotion.tsv` names, from this summary, in the table's units. Cues that
    /// cannot be measured (no voiced frame: no pitch; no tempo; no key; no modulation rate) are
    /// left out, so the model takes them as typical.
    public var emotionCues: [EmotionCue: Double] {
        var cues: [EmotionCue: Double] = [
            .loudnessDB: loudness.meanDB,
            .loudnessPeakDB: loudness.p90DB,
            .loudnessRangeDB: loudness.p90DB - loudness.p10DB,
            .speechRate: speechRate,
            .hammarbergDB: hammarbergIndex.mean,
            .alphaRatioDB: alphaRatio.mean,
            .centroidHz: spectralCentroid.mean,
            .onsetRate: onsetRate,
            .periodicFraction: periodicFraction,
            .tempoConfidence: tempo?.confidence ?? 0,
        ]
        if let pitch {
            cues[.f0] = 12 * log2(pitch.medianHz / 27.5)                   // semitones re 27.5 Hz (eGeMAPS)
            cues[.f0Range] = pitch.rangeSemitones
        }
        if let tempo { cues[.tempoBPM] = tempo.bpm }
        if let modulationRate { cues[.modulationRate] = modulationRate }
        if let key {
            cues[.modeMajor] = (key.mode == .major ? 1 : -1) * key.modeConfidence
            cues[.keyClarity] = key.correlation
        }
        return cues
    }
}
