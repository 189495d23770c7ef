import Foundation

/// A download's file: created empty and private (0600) under a directory, removed by `remove()`.
final class TemporaryFile: Sendable {
    let path: String
    let handle: FileHandle

    init(directory: String, prefix: String) throws(TemporaryFileError) {
        path = (directory as NSString).appendingPathComponent("\(prefix)\(UUID().uuidString)")
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw TemporaryFileError(description: "cannot create a file in \(directory): " + String(cString: strerror(errno)).lowercased())
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
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

struct TemporaryFileError: Error, CustomStringConvertible {
    let description: String
}
