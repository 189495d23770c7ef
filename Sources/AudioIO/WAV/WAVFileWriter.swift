import Foundation

/// A float32 WAV file (`WAVWriter`'s layout) written as the samples come, so that memory holds
/// one caller's chunk, not the file. The header goes first with streaming sizes (0xFFFFFFFF: "to
/// the end of the file"); `finish()` writes the real sizes over it when the output is a regular
/// file. Anything else — a pipe, a terminal, /dev/null; `-` is standard output — keeps the
/// streaming header, which readers (ours, ffmpeg, sox) read to the end. Not thread-safe.
public final class WAVFileWriter {
    /// The output could not be opened or written; `reason` is the system's.
    public struct Failure: Error, CustomStringConvertible {
        public let path: String, reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public let path: String
    public let sampleRate: Int, channels: Int
    /// Frames written so far.
    public private(set) var frames = 0
    private var descriptor: Int32
    private let ownsDescriptor: Bool
    #if !_endian(little)
    private var swapped: [UInt8] = []
    #endif

    /// Creates (or truncates) `path`, or takes standard output for `-`, and writes the header.
    public init(path: String, sampleRate: Int, channels: Int) throws(Failure) {
        precondition(channels > 0 && sampleRate > 0)
        (self.path, self.sampleRate, self.channels) = (path, sampleRate, channels)
        ownsDescriptor = path != "-"
        descriptor = ownsDescriptor ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) : STDOUT_FILENO
        guard descriptor >= 0 else { throw Self.failure(path) }
        let header = WAVWriter.float32Header(sampleRate: sampleRate, channels: channels, frames: nil)
        try write(header, at: nil)
    }

    deinit { if ownsDescriptor && descriptor >= 0 { close(descriptor) } }

    /// Appends interleaved samples (whole frames).
    public func write(_ samples: UnsafeBufferPointer<Float>) throws(Failure) {
        precondition(samples.count % channels == 0)
        #if _endian(little)
        try write(UnsafeRawBufferPointer(samples), at: nil)
        #else
        swapped.removeAll(keepingCapacity: true)
        WAVWriter.appendLittleEndian(samples, to: &swapped)
        try write(swapped, at: nil)
        #endif
        frames += samples.count / channels
    }

    /// Writes the real sizes into the header of a regular file, and closes the output.
    public func finish() throws(Failure) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.failure(path) }
        if info.st_mode & S_IFMT == S_IFREG {
            let header = WAVWriter.float32Header(sampleRate: sampleRate, channels: channels, frames: frames)
            try write(header, at: 0)
        }
        if ownsDescriptor {
            let status = close(descriptor)
            descriptor = -1
            guard status == 0 else { throw Self.failure(path) }
        }
    }

    private func write(_ bytes: [UInt8], at offset: Int?) throws(Failure) {
        try bytes.withUnsafeBytes { raw in Result { () throws(Failure) in try write(raw, at: offset) } }.get()
    }

    /// Closes the output and removes it if it is a regular file: what a failed decode leaves.
    public func discard() {
        guard ownsDescriptor, descriptor >= 0 else { return }
        var info = stat()
        let regular = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        close(descriptor)
        descriptor = -1
        if regular { unlink(path) }
    }

    /// All of `bytes`, at the current position or (`offset`) at a fixed one.
    private func write(_ bytes: UnsafeRawBufferPointer, at offset: Int?) throws(Failure) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = offset.map { pwrite(descriptor, base + done, bytes.count - done, off_t($0 + done)) }
                ?? Foundation.write(descriptor, base + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Self.failure(path) }
            done += n
        }
    }

    private static func failure(_ path: String) -> Failure {
        Failure(path: path, reason: String(cString: strerror(errno)).lowercased())
    }
}
