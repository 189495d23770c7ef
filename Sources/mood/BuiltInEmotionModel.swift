import Emotion
import Foundation

/// The emotion model built into the binary (Weights/emotion.bin at build time, by the
/// EmbedEmotionModel plugin), used when no emotion.bin is given or found beside the weights.
enum BuiltInEmotionModel {
    /// The file's bytes.
    static var bytes: Data { Data(base64Encoded: embeddedEmotionModelBase64) ?? Data() }

    /// Loads it. EmotionModel reads from a path: the bytes go to a new temporary file of an
    /// unguessable name (O_EXCL, readable by this user only), removed at once after.
    static func load() throws -> EmotionModel {
        let path = NSTemporaryDirectory() + "/mood-emotion-\(getpid())-\(UUID().uuidString).bin"
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MoodError("cannot create \(path) for the built-in emotion model: \(String(cString: strerror(errno)))") }
        defer { unlink(path) }
        let file = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do { try file.write(contentsOf: bytes) } catch { throw MoodError("cannot write the built-in emotion model to \(path): \(error)") }
        try file.close()
        return try EmotionModel(path: path)
    }
}
