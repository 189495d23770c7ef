import Foundation

/// The fuzzer's directory: the input being decoded (`current.bin`, which is also the file the
/// stream path reads, and `current.txt`, what it is and how to rebuild it) is written before each
/// input runs, so that a crash leaves it behind; reproducers are copies named for what went wrong.
struct Workspace: Sendable {
    let directory: URL
    var current: URL { directory.appendingPathComponent("current.bin") }
    var note: URL { directory.appendingPathComponent("current.txt") }

    init(_ directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func record(_ input: FuzzInput, rerun: String) throws {
        try Self.write(Array("\(input.description)\nrebuild and rerun: \(rerun)\n".utf8), to: note)
        try Self.write(input.bytes, to: current)
    }

    /// Writes a new file in place of `url`, without the fsync of `Data.write` and without
    /// truncating the old one (which makes ext4 flush it: each costs milliseconds a file). A crash
    /// of this process leaves what was written in the page cache, so the file is still there.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        unlink(url.path)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw FuzzError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            guard n > 0 else { throw FuzzError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
            written += n
        }
    }

    /// Copies the current input to `KIND-INDEX.bin` and `.txt`; returns the .bin path.
    @discardableResult
    func save(_ kind: String, index: Int, details: String) -> String {
        let name = directory.appendingPathComponent("\(kind)-\(index)")
        let bin = name.appendingPathExtension("bin"), txt = name.appendingPathExtension("txt")
        try? FileManager.default.removeItem(at: bin)
        try? FileManager.default.copyItem(at: current, to: bin)
        let recorded = (try? String(contentsOf: note, encoding: .utf8)) ?? ""
        try? Self.write(Array((recorded + details + "\n").utf8), to: txt)
        return bin.path
    }

    func clearCurrent() {
        try? FileManager.default.removeItem(at: current)
        try? FileManager.default.removeItem(at: note)
    }
}
