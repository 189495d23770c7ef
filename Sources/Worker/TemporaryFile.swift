import Foundation

/// A download's file: created empty and private (0600) under a directory, removed by `remove()`.
/// Its name is `<prefix><pid>-<uuid>`, so a later worker can tell the files of a process that
/// died (`removeStale`) from those of one still running beside it.
final class TemporaryFile: Sendable {
    let path: String
    let handle: FileHandle

    init(directory: String, prefix: String) throws(TemporaryFileError) {
        path = (directory as NSString).appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString)")
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

    /// Removes the files `<prefix><pid>-…` in `directory` whose process no longer exists (a worker
    /// killed mid-job leaves its download behind); returns how many. Names without a pid are left.
    static func removeStale(in directory: String, prefix: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed = 0
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))) != nil { removed += 1 }
        }
        return removed
    }
}

struct TemporaryFileError: Error, CustomStringConvertible {
    let description: String
}
