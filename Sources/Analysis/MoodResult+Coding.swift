/// JSON keys in snake_case; absent values are written as null (clients read every key), which the
/// synthesized `encode(to:)` would omit.
extension MoodResult {
    enum CodingKeys: String, CodingKey {
        case mood, emotion, energyLevel = "energy_level", confidence, soundClassification = "sound_classification"
        case yamnetConfidence = "yamnet_confidence", emotionConfidence = "emotion_confidence", arousal, valence
        case topSounds = "top_sounds", features, durationS = "duration_s", timeline, model, warnings
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mood, forKey: .mood)
        try c.encode(emotion, forKey: .emotion)
        try c.encode(energyLevel, forKey: .energyLevel)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(soundClassification, forKey: .soundClassification)
        try c.encode(yamnetConfidence, forKey: .yamnetConfidence)
        try c.encode(emotionConfidence, forKey: .emotionConfidence)
        try c.encode(arousal, forKey: .arousal)
        try c.encode(valence, forKey: .valence)
        try c.encode(topSounds, forKey: .topSounds)
        try c.encode(features, forKey: .features)
        try c.encode(durationS, forKey: .durationS)
        try c.encode(timeline, forKey: .timeline)
        try c.encode(model, forKey: .model)
        try c.encode(warnings, forKey: .warnings)
    }
}

extension MoodResult.FeatureReport {
    enum CodingKeys: String, CodingKey {
        case tempoBpm = "tempo_bpm", tempoConfidence = "tempo_confidence", key, mode, loudnessDb = "loudness_db"
        case loudnessRangeDb = "loudness_range_db", pitchMeanHz = "pitch_mean_hz", pitchMedianHz = "pitch_median_hz"
        case pitchRangeSemitones = "pitch_range_semitones", speechRate = "speech_rate", voicedFraction = "voiced_fraction"
        case silenceFraction = "silence_fraction", clippingFraction = "clipping_fraction"
        case spectralCentroidHz = "spectral_centroid_hz"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tempoBpm, forKey: .tempoBpm)
        try c.encode(tempoConfidence, forKey: .tempoConfidence)
        try c.encode(key, forKey: .key)
        try c.encode(mode, forKey: .mode)
        try c.encode(loudnessDb, forKey: .loudnessDb)
        try c.encode(loudnessRangeDb, forKey: .loudnessRangeDb)
        try c.encode(pitchMeanHz, forKey: .pitchMeanHz)
        try c.encode(pitchMedianHz, forKey: .pitchMedianHz)
        try c.encode(pitchRangeSemitones, forKey: .pitchRangeSemitones)
        try c.encode(speechRate, forKey: .speechRate)
        try c.encode(voicedFraction, forKey: .voicedFraction)
        try c.encode(silenceFraction, forKey: .silenceFraction)
        try c.encode(clippingFraction, forKey: .clippingFraction)
        try c.encode(spectralCentroidHz, forKey: .spectralCentroidHz)
    }
}

extension MoodResult.Segment {
    enum CodingKeys: String, CodingKey {
        case startS = "start_s", endS = "end_s", dominantSound = "dominant_sound", arousal, valence, emotion
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(startS, forKey: .startS)
        try c.encode(endS, forKey: .endS)
        try c.encode(dominantSound, forKey: .dominantSound)
        try c.encode(arousal, forKey: .arousal)
        try c.encode(valence, forKey: .valence)
        try c.encode(emotion, forKey: .emotion)
    }
}

extension MoodResult.ModelInfo {
    enum CodingKeys: String, CodingKey {
        case engine, yamnetWeights = "yamnet_weights", emotionWeights = "emotion_weights", contextWeights = "context_weights"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(engine, forKey: .engine)
        try c.encode(yamnetWeights, forKey: .yamnetWeights)
        try c.encode(emotionWeights, forKey: .emotionWeights)
        try c.encode(contextWeights, forKey: .contextWeights)
    }
}
