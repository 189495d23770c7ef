import Analysis
import AudioIO
import Foundation
import Worker

/// The product's analysis (`MoodAnalyzer`: YAMNet, the acoustic features and the emotion model)
/// as a job's: its `MoodResult` as a JSON object (`Schemas/mood-result.schema.json`), the keys
/// clients read — mood, emotion, energy_level, confidence, sound_classification,
/// yamnet_confidence, emotion_confidence — first among them. A `MoodAnalyzer` runs one analysis at
/// a time: this holds one per job in flight, and more callers wait.
final class MoodJobAnalyzer: JobAnalyzer, @unchecked Sendable {   // idle analyzers under `lock`
    let limits: AudioLimits
    private var idle: [MoodAnalyzer]
    private let lock = NSLock()
    private let available: DispatchSemaphore

    /// - Parameter analyzers: one per job in flight, each with its own YAMNet runner (its buffers)
    ///   over the process's one `YAMNet.Weights` (`ModelOptions.loadAnalyzers(slots:)`).
    init(analyzers: [MoodAnalyzer], limits: AudioLimits = AudioLimits()) {
        precondition(!analyzers.isEmpty)
        self.limits = limits
        idle = analyzers
        available = DispatchSemaphore(value: analyzers.count)
    }

    func analyze(path: String) throws -> JSONObject {
        available.wait()
        let analyzer = lock.withLock { idle.removeLast() }
        defer {
            lock.withLock { idle.append(analyzer) }
            available.signal()
        }
        let result = try analyzer.analyze(path: path, limits: limits)
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(result)) else {
            preconditionFailure("MoodResult encodes as a JSON object")
        }
        return object
    }
}
