/// An analysis whose result holds a number that is not finite: reported as a failure of the
/// analysis (never written as JSON, which has no NaN or infinity).
public struct NonFiniteResultError: Error, Equatable, CustomStringConvertible {
    /// The number's place in the JSON result ("features.loudness_db", "timeline[3].arousal").
    public var field: String
    public var value: Double

    public var description: String {
        "the analysis gave \(value) for \(field): no result is written (please report this file)"
    }
}

extension MoodResult {
    /// Every number of the result with its place in the JSON (snake_case keys); nil for a null.
    var numbers: [(String, Double?)] {
        let f = features
        var all: [(String, Double?)] = [
            ("confidence", confidence), ("yamnet_confidence", yamnetConfidence), ("emotion_confidence", emotionConfidence),
            ("arousal", arousal), ("valence", valence), ("duration_s", durationS),
            ("features.tempo_bpm", f.tempoBpm), ("features.tempo_confidence", f.tempoConfidence),
            ("features.loudness_db", f.loudnessDb), ("features.loudness_range_db", f.loudnessRangeDb),
            ("features.pitch_mean_hz", f.pitchMeanHz), ("features.pitch_median_hz", f.pitchMedianHz),
            ("features.pitch_range_semitones", f.pitchRangeSemitones), ("features.speech_rate", f.speechRate),
            ("features.voiced_fraction", f.voicedFraction), ("features.silence_fraction", f.silenceFraction),
            ("features.clipping_fraction", f.clippingFraction), ("features.spectral_centroid_hz", f.spectralCentroidHz),
        ]
        for (i, s) in topSounds.enumerated() { all.append(("top_sounds[\(i)].score", s.score)) }
        for (i, s) in timeline.enumerated() {
            all += [("timeline[\(i)].start_s", s.startS), ("timeline[\(i)].end_s", s.endS),
                    ("timeline[\(i)].arousal", s.arousal), ("timeline[\(i)].valence", s.valence)]
        }
        for (key, weight) in model.contextWeights.sorted(by: { $0.key < $1.key }) {
            all.append(("model.context_weights.\(key)", weight))
        }
        return all
    }

    /// Throws `NonFiniteResultError` for the first number that is NaN or ±inf.
    public func checkFinite() throws(NonFiniteResultError) {
        for case let (field, value?) in numbers where !value.isFinite {
            throw NonFiniteResultError(field: field, value: value)
        }
    }
}
