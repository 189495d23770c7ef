/// The acoustic cues the emotion model reads, by their names in `Weights/emotion.tsv`
/// (`cue/<context>/<dimension>/<name>`). The loader refuses a table naming any other cue, and
/// `Scripts/export_emotion.py` keeps the same list (a test compares the two), so a misspelt cue
/// fails loudly instead of reading as typical. `FeatureSummary.emotionCues` says how each is measured.
public enum EmotionCue: String, CaseIterable, Codable, Sendable {
    case loudnessDB = "loudness_db"                 // mean loudness of the non-silent frames, dBFS
    case loudnessPeakDB = "loudness_p90_db"         // its 90th percentile: the level of the notes' peaks, dBFS
    case loudnessRangeDB = "loudness_range_db"      // its 10–90th percentile range, dB
    case speechRate = "speech_rate"                 // syllable nuclei per second (de Jong & Wempe 2009)
    case onsetRate = "onset_rate"                   // loudness peaks per second (eGeMAPS)
    case modulationRate = "modulation_rate"         // loudness modulation-spectrum centroid, Hz (enrate)
    case f0 = "f0_st"                               // median F0, semitones re 27.5 Hz (eGeMAPS)
    case f0Range = "f0_range_st"                    // F0 20–80th percentile range, semitones
    case hammarbergDB = "hammarberg_db"             // Hammarberg index, dB (eGeMAPS)
    case alphaRatioDB = "alpha_ratio_db"            // alpha ratio, dB (eGeMAPS)
    case centroidHz = "centroid_hz"                 // spectral centroid, Hz
    case tempoBPM = "tempo_bpm"                     // beats per minute
    case modeMajor = "mode_major"                   // +gap for major, −gap for minor (Albrecht & Shanahan)
    case periodicFraction = "periodic_fraction"     // fraction of periodic frames (context without YAMNet)
    case tempoConfidence = "tempo_confidence"       // tempo prominence in [0, 1] (context without YAMNet)
    case keyClarity = "key_clarity"                 // the best key profile's correlation, −1 … 1 (context without YAMNet)
}
