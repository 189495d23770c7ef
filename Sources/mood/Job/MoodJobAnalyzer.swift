import Analysis
import AudioIO
import Foundation
import Worker

/// The product's analysis (`MoodAnalyzer`: YAMNet, the acoustic features and the emotion model)
/// as a job's: its `MoodResult` itself, which the worker encodes straight into the prediction's
/// request body (`Schemas/mood-result.schema.json`), and the keys clients read — mood, emotion,
/// energy_level, confidence, sound_classification, yamnet_confidence, emotion_confidence, and the
/// `model` object — as the row's columns. A `MoodAnalyzer` runs one analysis at
/// a time: this holds one per job in flight, and more callers wait.
final class MoodJobAnalyzer: JobAnalyzer, @unchecked Sendable {   // idle analyzers under `lock`
    let limits: AudioLimits
    /// The decoder of formats without a native one; nil refuses them.
    let ffmpeg: FFmpegDecoder?
    private var idle: [MoodAnalyzer]
    private let lock = NSLock()
    private let available: DispatchSemaphore

    /// - Parameter analyzers: one per job in flight, each with its own YAMNet runner (its buffers)
    ///   over the process's one `YAMNet.Weights` (`ModelOptions.loadAnalyzers(slots:)`).
    init(analyzers: [MoodAnalyzer], limits: AudioLimits = AudioLimits(), ffmpeg: FFmpegDecoder?) {
        precondition(!analyzers.isEmpty)
        self.limits = limits
        self.ffmpeg = ffmpeg
        idle = analyzers
        available = DispatchSemaphore(value: analyzers.count)
    }

    func analyze(path: String) throws -> JobResult {
        available.wait()
        let analyzer = lock.withLock { idle.removeLast() }
        defer {
            lock.withLock { idle.append(analyzer) }
            available.signal()
        }
        let result = try analyzer.analyze(path: path, limits: limits, ffmpeg: ffmpeg)
        return JobResult(result: result, columns: [
            "mood": result.mood, "emotion": result.emotion, "energy_level": result.energyLevel,
            "confidence": result.confidence, "sound_classification": result.soundClassification,
            "yamnet_confidence": result.yamnetConfidence, "emotion_confidence": result.emotionConfidence,
            "model_versions": result.model])
    }
}
