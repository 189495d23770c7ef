import AudioIO
import DSP
import Emotion
import Foundation
import YAMNet

/// The analysis of one recording: YAMNet (when its weights are loaded), the acoustic features and
/// the emotion model, over the whole file and per segment of about `segmentSeconds`, streamed in
/// bounded memory (what is kept grows by a few hundred bytes a segment).
///
/// Segments are `segmentSeconds` rounded to whole 10 ms feature frames (the last one may be
/// shorter), their features summarised from the same frames as the file's (`FeatureExtractor`'s
/// segments); a YAMNet patch belongs to the segment holding its centre (patch i spans
/// [0.48 i, 0.48 i + 0.96) s). Not thread-safe: one analysis at a time per analyzer.
public final class MoodAnalyzer {
    public let yamnet: YAMNet?
    public let classes: ClassMap?
    public let emotion: EmotionModel
    public let segmentSeconds: Double
    /// The class map's name → index, for the emotion model's class terms.
    private let classIndex: [String: Int]
    public static let engineVersion = "mood-engine 0.5"

    /// `yamnet` and `classes` come together (both or neither).
    public init(yamnet: YAMNet?, classes: ClassMap?, emotion: EmotionModel, segmentSeconds: Double = 5) {
        precondition((yamnet == nil) == (classes == nil))
        (self.yamnet, self.classes, self.emotion, self.segmentSeconds) = (yamnet, classes, emotion, segmentSeconds)
        classIndex = EmotionInput.classIndex(classes?.displayNames ?? [])
    }

    /// Analyses the file at `path` within `limits`. `logMel`, when given, receives YAMNet's log-mel
    /// frames as they are computed ([n, 64] rows, 10 ms apart; the buffer is valid during the call).
    public func analyze(path: String, limits: AudioLimits = AudioLimits(), ffmpeg: FFmpegDecoder? = FFmpegDecoder.locate(),
                        logMel: ((UnsafeBufferPointer<Float>) -> Void)? = nil,
                        progress: (Double) -> Void = { _ in }) throws -> MoodResult {
        let rate = FrontendParams().sampleRate
        let features = FeatureConfig()
        let segmentFrames = max(1, Int((segmentSeconds * features.frameRate).rounded()))
        let segmentLength = Double(segmentFrames * features.hop) / Double(rate)        // whole frames
        let stream = yamnet.map { YAMNetStream(model: $0) }
        let scores = ScoreTracker(classes: yamnet?.params.numClasses ?? 0, hopSeconds: yamnet?.params.frontend.patchHopSeconds ?? 0.48,
                                  segmentSeconds: segmentLength)
        let file = try FeatureExtractor(config: features, keepFrames: false, segmentFrames: segmentFrames)
        var samples = 0
        let spectrogram = try logMel.map { _ in LogMelStream(spectrogram: try LogMelSpectrogram()) }
        defer { stream?.reset() }
        try streamWaveform(path, sampleRate: rate, limits: limits, ffmpeg: ffmpeg, progress: progress) { chunk in
            samples += chunk.count
            try stream?.process(chunk) { scores.add($0) }
            try file.process(chunk)
            try chunk.withUnsafeBufferPointer { c throws(DSPError) in try spectrogram?.process(c) { logMel?($0) } }
        }
        stream?.finish { scores.add($0) }
        let summary = file.finish()
        let duration = Double(samples) / Double(rate)
        return assemble(summary: summary, segments: file.segments.isEmpty ? [summary] : file.segments,
                        segmentLength: segmentLength, scores: scores, duration: duration)
    }

    func assemble(summary: FeatureSummary, segments: [FeatureSummary], segmentLength: Double, scores: ScoreTracker,
                  duration: Double) -> MoodResult {
        let names = classes?.displayNames
        func input(_ s: FeatureSummary, means: [Double]?) -> EmotionInput {
            let yamnet = means.map { (meanScores: $0, classIndex: classIndex) }
            return EmotionInput(cues: s.emotionCues, yamnet: yamnet,
                                evidence: emotion.evidence(silenceFraction: s.silenceFraction, durationSeconds: s.durationSeconds))
        }
        let means = yamnet == nil ? nil : scores.fileMeans
        let estimate = emotion.estimate(input(summary, means: means))
        var top: [MoodResult.SoundScore] = []
        if let means, let names {
            top = means.indices.sorted { means[$0] > means[$1] || (means[$0] == means[$1] && $0 < $1) }.prefix(5)
                .map { MoodResult.SoundScore(label: names[$0], score: means[$0]) }
        }
        var timeline: [MoodResult.Segment] = []
        for (i, s) in segments.enumerated() {
            let segmentMeans = yamnet == nil ? nil : scores.segmentMeans(i, of: segments.count)
            let e = emotion.estimate(input(s, means: segmentMeans))
            let dominant = segmentMeans.flatMap { m in m.indices.max { m[$0] < m[$1] }.flatMap { names?[$0] } }
            let start = Double(i) * segmentLength
            timeline.append(MoodResult.Segment(startS: start, endS: min(duration, start + segmentLength),
                                               dominantSound: dominant, arousal: e.arousal, valence: e.valence, emotion: e.emotion))
        }
        var warnings: [String] = []
        if yamnet == nil {
            warnings.append("YAMNet weights are not loaded: sound classification is off and the emotion model uses acoustic features only")
        }
        // The evidence rules' thresholds (Weights/emotion.tsv rule/min_sound_s, rule/weak_sound_fraction).
        if duration < emotion.minSoundSeconds {
            warnings.append(String(format: "too short: %.2f s of audio (at least %g s is needed for a reliable estimate)", duration, emotion.minSoundSeconds))
        }
        if 1 - summary.silenceFraction < emotion.weakSoundFraction {
            warnings.append(String(format: "mostly silence: %.0f%% of the audio is below the silence gate (%.0f dB)",
                                   100 * summary.silenceFraction, summary.silenceThresholdDB))
        }
        if summary.clippingFraction > 0.001 {
            warnings.append(String(format: "clipped audio: %.2f%% of the samples are at full scale", 100 * summary.clippingFraction))
        }
        return MoodResult(
            mood: estimate.mood, emotion: estimate.emotion, energyLevel: estimate.energyLevel,
            confidence: estimate.confidence,
            soundClassification: top.first?.label, yamnetConfidence: top.first?.score,
            emotionConfidence: estimate.emotionConfidence, arousal: estimate.arousal, valence: estimate.valence,
            topSounds: top, features: MoodResult.FeatureReport(summary),
            durationS: duration, timeline: timeline,
            model: MoodResult.ModelInfo(engine: Self.engineVersion,
                                        yamnetWeights: yamnet.map { Self.crc($0.weights.checksum) },
                                        emotionWeights: Self.crc(emotion.checksum), contextWeights: estimate.contextWeights),
            warnings: warnings)
    }

    static func crc(_ value: UInt32) -> String { "crc32:" + String(format: "%08x", value) }
}

extension MoodResult.FeatureReport {
    init(_ s: FeatureSummary) {
        self.init(tempoBpm: s.tempo?.bpm, tempoConfidence: s.tempo.map { min(max($0.confidence, 0), 1) },
                  key: s.key?.name, mode: s.key?.mode.rawValue,
                  loudnessDb: s.loudness.meanDB, loudnessRangeDb: max(0, s.loudness.p90DB - s.loudness.p10DB),
                  pitchMeanHz: s.pitch?.meanHz, pitchMedianHz: s.pitch?.medianHz, pitchRangeSemitones: s.pitch?.rangeSemitones,
                  speechRate: s.speechRate, voicedFraction: s.voicedFraction, silenceFraction: s.silenceFraction,
                  clippingFraction: s.clippingFraction, spectralCentroidHz: s.spectralCentroid.mean)
    }
}
