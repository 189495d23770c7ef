import Foundation

/// A file's bytes seen through a window that slides forward, for the frame decoders (FLAC, MP3):
/// `window(from:atLeast:)` gives the bytes from an offset on — at least as many as asked, fewer
/// only at the end of the file — and lets the bytes before that offset go.
///
/// Over bytes in memory every window is the rest of the file. Over a file on disk the window is
/// one buffer filled by `pread` in reads of `readSize` (1 MiB by default) or more; it grows to the largest
/// request and never shrinks, so memory is that of the largest frame asked for, not the file's
/// length. The file's size is taken when it is opened; with `follows` set, windows go on past it
/// to the end of the file as it is when read (a recording still being written). Not thread-safe.
final class ByteWindow: CheckedReader {
    let path: String
    /// The file's size in bytes when it was opened.
    let count: Int
    /// Whether windows reach past `count` into bytes written since the file was opened.
    var follows = false

    private enum Storage {
        case memory(UnsafeRawBufferPointer)
        case file(FileHandle)
    }
    private let storage: Storage
    private var buffer: UnsafeMutableRawPointer?
    private var capacity = 0
    private let readSize: Int
    /// The file offset of `buffer[0]`, and how many bytes from there the buffer holds.
    private var start = 0, filled = 0

    /// A window over bytes in memory, which must outlive it.
    init(_ raw: UnsafeRawBufferPointer, path: String) {
        self.path = path
        count = raw.count
        storage = .memory(raw)
        readSize = 0
    }

    /// A window over the file at `path`; throws `.unreadable` if it cannot be opened.
    init(path: String, readSize: Int = 1 << 20) throws(AudioError) {
        self.path = path
        self.readSize = readSize
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Self.failure(path) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.failure(path) }
        count = Int(info.st_size)
        storage = .file(handle)
    }

    deinit { buffer?.deallocate() }

    /// The bytes from `offset` (≥ 0) on: at least `want` of them, or all up to the end of the
    /// file if fewer remain (none past it). Valid until the next call; bytes before `offset` are
    /// dropped from the buffer.
    func window(from offset: Int, atLeast want: Int) throws(AudioError) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && want >= 0)
        switch storage {
        case .memory(let raw):
            return UnsafeRawBufferPointer(rebasing: raw[min(offset, raw.count)...])
        case .file(let handle):
            let needed = follows ? want : min(want, max(0, count - offset))
            if offset < start || offset + needed > start + filled {
                try refill(handle, from: offset, needed: needed)
            }
            return UnsafeRawBufferPointer(start: buffer.map { $0 + (offset - start) }, count: start + filled - offset)
        }
    }

    /// Exactly `count` bytes at `offset`, which lie in the file. (`CheckedReader`)
    func bytes(_ offset: Int, _ count: Int) throws(AudioError) -> UnsafeRawBufferPointer {
        let window = try window(from: offset, atLeast: count)
        guard window.count >= count else { throw .unreadable(path: path, reason: "the file shrank while it was read") }
        return UnsafeRawBufferPointer(rebasing: window[..<count])
    }

    /// Keeps the buffered bytes from `offset` on, grows the buffer to hold `needed` bytes, and
    /// reads until it is full or the file ends (as opened, or as it is now when `follows`).
    private func refill(_ handle: FileHandle, from offset: Int, needed: Int) throws(AudioError) {
        var kept = 0
        if offset >= start, offset < start + filled, let buffer {
            kept = start + filled - offset
            buffer.copyMemory(from: buffer + (offset - start), byteCount: kept)
        }
        let size = max(readSize, needed)
        if size > capacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            if let buffer { grown.copyMemory(from: buffer, byteCount: kept); buffer.deallocate() }
            buffer = grown
            capacity = size
        }
        (start, filled) = (offset, kept)
        let limit = follows ? capacity : min(capacity, max(0, count - offset))
        while filled < limit {
            let n = pread(handle.fileDescriptor, buffer! + filled, limit - filled, off_t(offset + filled))
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Self.failure(path) }
            if n == 0 && follows { break }
            guard n > 0 else { throw .unreadable(path: path, reason: "the file shrank while it was read") }
            filled += n
        }
    }

    /// `.unreadable` with the reason `errno` gives.
    static func failure(_ path: String) -> AudioError {
        .unreadable(path: path, reason: String(cString: strerror(errno)).lowercased())
    }
}
