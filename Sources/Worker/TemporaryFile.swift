import Foundation

/// A download's file: created empty and private (0600) under a directory, removed by `remove()`.
final class TemporaryFile: Sendable {
    let path: String
    let handle: FileHandle

    init(directory: String, prefix: String) throws {
        path = (directory as NSString).appendingPathComponent("\(prefix)\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw TransportError(.local, "cannot create a temporary file in \(directory)")
        }
        self.handle = handle
    }

    /// Empties the file, for a download tried again.
    func truncate() throws {
        try handle.truncate(atOffset: 0)
    }

    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
