import Foundation

extension FeatureSummary {
    /// The cues `Weights/emotion.tsv` names, from this summary, in the table's units. Cues that
    /// cannot be measured (no voiced frame: no pitch; no tempo; no key) are left out, so the model
    /// takes them as typical.
    public var emotionCues: [String: Double] {
        var cues: [String: Double] = [
            "loudness_db": loudness.meanDB,
            "loudness_range_db": loudness.p90DB - loudness.p10DB,
            "speech_rate": speechRate,
            "hammarberg_db": hammarbergIndex.mean,
            "alpha_ratio_db": alphaRatio.mean,
            "centroid_hz": spectralCentroid.mean,
            "onset_rate": onsetRate,
            "voiced_fraction": voicedFraction,
            "tempo_confidence": tempo?.confidence ?? 0,
        ]
        if let pitch {
            cues["f0_st"] = 12 * log2(pitch.medianHz / 27.5)                   // semitones re 27.5 Hz (eGeMAPS)
            cues["f0_range_st"] = pitch.rangeSemitones
        }
        if let tempo { cues["tempo_bpm"] = tempo.bpm }
        if let key { cues["mode_major"] = (key.mode == .major ? 1 : -1) * key.modeConfidence }
        return cues
    }
}
