import Emotion
import Foundation

/// The emotion model built into the binary (Weights/emotion.bin at build time, by the
/// EmbedEmotionModel plugin), used when no emotion.bin is given or found beside the weights.
enum BuiltInEmotionModel {
    /// The file's bytes.
    static var bytes: Data { Data(base64Encoded: embeddedEmotionModelBase64) ?? Data() }

    /// Loads it. EmotionModel reads from a path: the bytes go to a temporary file of an
    /// unguessable name, readable by this user only, removed at once after.
    static func load() throws -> EmotionModel {
        let path = NSTemporaryDirectory() + "/mood-emotion-\(getpid())-\(UUID().uuidString).bin"
        guard FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw MoodError("cannot write the embedded emotion model to \(path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try EmotionModel(path: path)
    }
}
