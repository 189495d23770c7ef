import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes formats without a native decoder (Ogg, MP4/M4A, WebM, AIFF, unknown) by running an
/// `ffmpeg` executable as a subprocess.
///
/// - No shell: `Process` runs the executable with an argument list. The bytes (already read
///   and size-checked by the caller) are written to a private temporary file, passed as
///   `file:<temp path>` so that no name can select another protocol, with
///   `-protocol_whitelist file`; detected containers are forced with `-f` (Ogg, MOV/MP4,
///   Matroska/WebM, AIFF) and unknown content may only be probed as one of `audioDemuxers`, so
///   playlists and concat lists (which open other files) are refused.
/// - Rate and channels: ffmpeg writes the first audio stream (`-map 0:a:0`) unresampled as a
///   32-bit float WAV stream to its stdout (`-f wav -c:a pcm_f32le pipe:1`); the WAV header it
///   writes carries the native sample rate and channel count, read back with `WAVDecoder`. One
///   process, no ffprobe, no parsing of ffmpeg's messages.
/// - Streaming: `AudioStream` runs the same command on the file's own path (still `file:`) and
///   reads the output as it comes (`FFmpegStream`), so memory does not grow with the file.
/// - Limits: a `timeout` on the time spent waiting for ffmpeg (on expiry it is killed with
///   SIGKILL: `ffmpegTimedOut`)
///   and an output cap of `maxSamples` 32-bit samples (reading stops and ffmpeg is killed:
///   `decodedTooLarge`). A failure gives `ffmpegFailed` with ffmpeg's last error line, in which
///   the temporary name is replaced by the caller's path.
/// - Containment (issue #12): one decoding thread (`-threads 1`); an environment of `PATH` and
///   the locale only (`environment(from:)`: no key or token of the caller's reaches it); an
///   address-space limit of `maxMemoryBytes` and a CPU-time limit of the timeout, set with
///   prlimit(2) as soon as it is spawned (under `mood worker` it also inherits the analysis
///   process's own, set before any input was read).
public struct FFmpegDecoder: Sendable, Equatable {
    /// The ffmpeg executable.
    public var executable: String
    /// Seconds ffmpeg may run.
    public var timeout: Double
    /// The most samples (all channels together) accepted.
    public var maxSamples: Int
    /// ffmpeg's address-space limit (RLIMIT_AS).
    public var maxMemoryBytes: Int

    public static let defaultTimeout = 120.0
    public static let defaultMaxMemoryBytes = 2 << 30

    public init(executable: String, timeout: Double = defaultTimeout, maxSamples: Int = FLACDecoder.defaultMaxSamples,
                maxMemoryBytes: Int = defaultMaxMemoryBytes) {
        self.executable = executable
        self.timeout = timeout
        self.maxSamples = maxSamples
        self.maxMemoryBytes = maxMemoryBytes
    }

    /// The variables ffmpeg sees: the search path and the locale, nothing else of `environment`.
    static func environment(from environment: [String: String]) -> [String: String] {
        environment.filter { $0.key == "PATH" || $0.key == "LANG" || $0.key.hasPrefix("LC_") }
    }

    /// The first executable named `ffmpeg` in `searchPath` (colon-separated, as `PATH`; empty
    /// and relative entries are skipped), or nil when there is none.
    public static func locate(searchPath: String? = ProcessInfo.processInfo.environment["PATH"]) -> FFmpegDecoder? {
        for directory in (searchPath ?? "").split(separator: ":") where directory.hasPrefix("/") {
            let candidate = (String(directory) as NSString).appendingPathComponent("ffmpeg")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return FFmpegDecoder(executable: candidate)
            }
        }
        return nil
    }

    /// The formats the fallback is used for: those without a native decoder.
    public static func handles(_ format: AudioFormat) -> Bool {
        switch format {
        case .ogg, .mp4, .webm, .aiff, .unknown: true
        case .wav, .flac, .mp3: false
        }
    }

    /// Demuxers unknown content may be probed as: audio and audio/video containers that read
    /// nothing but the input itself.
    static let audioDemuxers = ["aac", "ac3", "aiff", "amr", "ape", "asf", "au", "avi", "caf", "dts", "eac3", "flac",
                                "flv", "matroska", "mov", "mp3", "mpc", "mpc8", "mpeg", "mpegts", "ogg", "tta", "voc",
                                "w64", "wav", "wv"]

    /// ffmpeg's demuxer for a detected format; nil lets ffmpeg probe among `audioDemuxers`.
    static func demuxer(for format: AudioFormat) -> String? {
        switch format {
        case .wav: "wav"
        case .flac: "flac"
        case .mp3: "mp3"
        case .ogg: "ogg"
        case .mp4: "mov"
        case .webm: "matroska"
        case .aiff: "aiff"
        case .unknown: nil
        }
    }

    /// The arguments for decoding `input` (a file name of ours).
    static func arguments(input: String, format: AudioFormat) -> [String] {
        var arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file", "-threads", "1"]
        if let demuxer = demuxer(for: format) {
            arguments += ["-f", demuxer]
        } else {
            arguments += ["-format_whitelist", audioDemuxers.joined(separator: ",")]
        }
        return arguments + ["-i", "file:" + input, "-map", "0:a:0", "-map_metadata", "-1", "-fflags", "+bitexact",
                            "-f", "wav", "-c:a", "pcm_f32le", "pipe:1"]
    }

    /// Decodes a file's bytes; `format` (detected from the bytes unless given) picks the demuxer.
    /// `path` is only used in messages.
    public func decode(_ bytes: some ContiguousBytes, path: String, format: AudioFormat? = nil) throws(AudioError) -> DecodedAudio {
        let format = format ?? AudioFormat.detect(bytes)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mood-ffmpeg-\(UUID().uuidString)")
        let input = directory.appendingPathComponent("input")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            try bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return try Data().write(to: input) }
                try Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: raw.count, deallocator: .none).write(to: input)
            }
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw .ffmpegFailed(path: path, reason: "cannot write a temporary copy: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try run(Self.arguments(input: input.path, format: format), path: path, hide: input.path)
        let audio: DecodedAudio
        do {
            audio = try WAVDecoder.decode(output, path: path)
        } catch {
            if case .tooManyChannels = error { throw error }
            throw .ffmpegFailed(path: path, reason: output.isEmpty ? "it wrote no audio" : "its output is unreadable (\(error))")
        }
        guard audio.samples.count <= maxSamples else { throw .decodedTooLarge(path: path, limit: maxSamples) }
        return audio
    }

    /// Runs ffmpeg with `arguments`; returns its stdout, at most `maxSamples` 32-bit samples and
    /// a header. `hide` (the temporary name) is replaced by `path` in ffmpeg's messages.
    func run(_ arguments: [String], path: String, hide: String) throws(AudioError) -> Data {
        let process = try FFmpegProcess(self, arguments: arguments, path: path, hide: hide)
        // ffmpeg writes a WAV header (under 100 bytes) before the samples.
        let cap = maxSamples.multipliedReportingOverflow(by: 4).overflow ? Int.max : maxSamples * 4 + 4096
        var output = Data()
        while true {
            let piece = try process.read(atLeast: 1 << 16)
            if piece.isEmpty { return output }
            output.append(piece)
            if output.count > cap { process.stop(); throw .decodedTooLarge(path: path, limit: maxSamples) }
        }
    }
}

/// One ffmpeg run whose stdout is read as it comes (`read(atLeast:)`), its stderr kept for the
/// failure message. The `timeout` counts the time spent waiting for ffmpeg, not the time the
/// reader spends between reads (a stream consumed slowly is not ffmpeg being slow); on expiry
/// ffmpeg is killed with SIGKILL. ffmpeg is killed too if the reader stops early or goes away.
final class FFmpegProcess {
    private let process = Process()
    private let decoder: FFmpegDecoder
    private let path: String, hide: String
    private let outputFD: Int32
    private var open: [Int32]
    private var messages = Data()
    private var waited = 0.0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

    init(_ decoder: FFmpegDecoder, arguments: [String], path: String, hide: String) throws(AudioError) {
        (self.decoder, self.path, self.hide) = (decoder, path, hide)
        process.executableURL = URL(fileURLWithPath: decoder.executable)
        process.arguments = arguments
        process.environment = FFmpegDecoder.environment(from: ProcessInfo.processInfo.environment)
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        outputFD = stdout.fileHandleForReading.fileDescriptor
        open = [outputFD, stderr.fileHandleForReading.fileDescriptor]
        do {
            try process.run()
        } catch {
            throw .ffmpegFailed(path: path, reason: "cannot run \(decoder.executable): \(error.localizedDescription)")
        }
        // Never above what it inherited from us (raising a hard limit is not allowed).
        func limit(_ resource: __rlimit_resource, _ value: rlim_t, extra: rlim_t = 0) -> rlimit {
            var own = rlimit()
            getrlimit(__rlimit_resource_t(resource.rawValue), &own)
            return rlimit(rlim_cur: min(value, own.rlim_max), rlim_max: min(value + extra, own.rlim_max))
        }
        let pid = process.processIdentifier
        var memory = limit(RLIMIT_AS, rlim_t(max(0, decoder.maxMemoryBytes)))
        var cpu = limit(RLIMIT_CPU, rlim_t(min(max(1, decoder.timeout.rounded(.up)), 1e9)), extra: 1)
        guard let prlimit = Self.prlimit else {
            stop()
            throw .ffmpegFailed(path: path, reason: "cannot limit ffmpeg's resources: prlimit(2) is unavailable")
        }
        // ESRCH: it has already ended (a fast failure), nothing left to limit.
        guard prlimit(pid, Int32(RLIMIT_AS.rawValue), &memory, nil) == 0 || errno == ESRCH,
              prlimit(pid, Int32(RLIMIT_CPU.rawValue), &cpu, nil) == 0 || errno == ESRCH else {
            stop()
            throw .ffmpegFailed(path: path, reason: "cannot limit ffmpeg's resources: " + String(cString: strerror(errno)))
        }
    }

    /// glibc's prlimit(2) wrapper, which Swift's Glibc module does not declare (it is _GNU_SOURCE).
    private static let prlimit: (@convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prlimit").map { unsafeBitCast($0, to: (@convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32).self) }

    deinit {
        if process.isRunning { stop() }
        buffer.deallocate()
    }

    /// Kills ffmpeg (its process group when it leads one, else the process alone) and reaps it.
    func stop() {
        let pid = process.processIdentifier
        _ = getpgid(pid) == pid ? kill(-pid, SIGKILL) : kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// At least `count` bytes of ffmpeg's output, fewer only at its end; empty once it has ended
    /// and exited successfully. Throws `ffmpegTimedOut`, or `ffmpegFailed` with ffmpeg's last
    /// message line when it exits with an error.
    func read(atLeast count: Int) throws(AudioError) -> Data {
        var output = Data()
        let clock = ContinuousClock(), start = clock.now
        defer {
            let elapsed = clock.now - start
            waited += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        func remaining() -> Double {
            let elapsed = clock.now - start
            return decoder.timeout - waited - (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        while true {
            let outputOpen = open.contains(outputFD)
            if outputOpen ? output.count >= count : !output.isEmpty { return output }
            if open.isEmpty { break }
            let left = remaining()
            guard left > 0 else { stop(); throw .ffmpegTimedOut(path: path, seconds: decoder.timeout) }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left * 1000, 1000).rounded(.up)))
            guard ready > 0 else { continue }                     // timeout slice or EINTR
            for entry in fds where entry.revents != 0 {
                let n = readDescriptor(entry.fd, buffer)
                if n <= 0 {
                    if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    open.removeAll { $0 == entry.fd }
                } else if entry.fd == outputFD {
                    output.append(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
                } else {
                    messages.append(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
                    if messages.count > 1 << 16 { messages = messages.suffix(1 << 15) }
                }
            }
        }
        while process.isRunning {                                 // outputs closed; wait for the exit
            guard remaining() > 0 else { stop(); throw .ffmpegTimedOut(path: path, seconds: decoder.timeout) }
            usleep(2000)
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let lines = String(decoding: messages, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var reason = lines.last ?? (process.terminationReason == .exit
                ? "ffmpeg exited with status \(process.terminationStatus)"
                : "ffmpeg was killed by signal \(process.terminationStatus)")
            reason = reason.replacingOccurrences(of: "file:" + hide, with: path).replacingOccurrences(of: hide, with: path)
            throw .ffmpegFailed(path: path, reason: String(reason.prefix(300)))
        }
        return output
    }
}

/// `read(2)` into `buffer`.
private func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(fd, buffer.baseAddress, buffer.count)
}
