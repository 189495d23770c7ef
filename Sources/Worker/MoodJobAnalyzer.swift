import Analysis
import DSP
import Foundation

/// The product's analysis (`MoodAnalyzer`: YAMNet, the acoustic features and the emotion model)
/// as a job's: its `MoodResult` as a JSON object (`Schemas/mood-result.schema.json`), the keys
/// clients read — mood, emotion, energy_level, confidence, sound_classification,
/// yamnet_confidence, emotion_confidence — first among them. A `MoodAnalyzer` runs one analysis at
/// a time: this holds one per job in flight, and more callers wait.
public final class MoodJobAnalyzer: JobAnalyzer {
    public let limits: AudioLimits
    private let analyzers: Locked<[MoodAnalyzer]>
    private let available: DispatchSemaphore

    /// - Parameter analyzers: one per job in flight, each with its own YAMNet (their buffers are theirs).
    public init(analyzers: [MoodAnalyzer], limits: AudioLimits = AudioLimits()) {
        precondition(!analyzers.isEmpty)
        self.limits = limits
        self.analyzers = Locked(analyzers)
        available = DispatchSemaphore(value: analyzers.count)
    }

    public func analyze(path: String) throws -> JSONObject {
        available.wait()
        let analyzer = analyzers.withLock { $0.removeLast() }
        defer {
            analyzers.withLock { $0.append(analyzer) }
            available.signal()
        }
        let result = try analyzer.analyze(path: path, limits: limits).result
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(result)) else {
            preconditionFailure("MoodResult encodes as a JSON object")
        }
        return object
    }
}
