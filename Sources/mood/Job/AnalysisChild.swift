import Foundation
import Worker

/// One `mood analyze-job` process (`AnalyzeJobCommand`) and what it says: its stdout (the result,
/// capped), its stderr lines (`duration S`, `error MESSAGE`), its end. `finish(deadline:)` waits
/// for it under a wall-clock deadline that moves once the child has told the audio's duration,
/// and kills it with SIGKILL when the deadline passes or its output passes the cap.
final class AnalysisChild {
    enum End: Equatable {
        /// Exited with `status`; `output` is its stdout, `error` its last `error …` line.
        case exited(status: Int32, output: Data, error: String?)
        /// Killed by `signal` (a crash, the CPU limit, the kernel's OOM killer).
        case signalled(Int32)
        /// Killed at the deadline of `seconds`.
        case timedOut(seconds: Double)
        /// Killed because its stdout passed `limit` bytes.
        case outputTooLarge(limit: Int)
    }

    private let process = Process()
    private let output: Int32, messages: Int32
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

    /// Starts `executable arguments` with exactly `environment`, stdin from /dev/null.
    init(executable: String, arguments: [String], environment: [String: String]) throws(JobAnalyzerFault) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe()
        (process.standardOutput, process.standardError, process.standardInput) = (stdout, stderr, FileHandle.nullDevice)
        (output, messages) = (stdout.fileHandleForReading.fileDescriptor, stderr.fileHandleForReading.fileDescriptor)
        do { try process.run() } catch { throw JobAnalyzerFault("cannot start the analysis process: \(error.localizedDescription)") }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        buffer.deallocate()
    }

    /// Waits for the child's end. The deadline is `deadline.initial` until a `duration` line comes.
    func finish(deadline: JobDeadline, maxOutput: Int) -> End {
        let clock = ContinuousClock(), start = clock.now
        var limit = deadline.initial
        var result = Data(), pending = Data(), error: String?
        var open = [output, messages]
        func elapsed() -> Double { let d = clock.now - start; return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        func stop() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        func take(_ line: Data) {
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("duration ") {
                limit = deadline.seconds(forDuration: Double(text.dropFirst("duration ".count)))
            } else if text.hasPrefix("error ") {
                error = String(text.dropFirst("error ".count).prefix(2000))
            }
        }
        // Until both pipes close — or the child is gone (a pipe may be held open by a sibling
        // started at the same moment, which inherited it).
        while !open.isEmpty {
            let left = limit - elapsed()
            guard left > 0 else { stop(); return .timedOut(seconds: limit) }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left, 0.05) * 1000 + 1))
            if ready <= 0 {
                if !process.isRunning { break }
                continue
            }
            for entry in fds where entry.revents != 0 {
                let n = read(entry.fd, buffer.baseAddress, buffer.count)
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                guard n > 0 else { open.removeAll { $0 == entry.fd }; continue }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<n])
                if entry.fd == output {
                    result.append(contentsOf: bytes)
                    guard result.count <= maxOutput else { stop(); return .outputTooLarge(limit: maxOutput) }
                } else {
                    pending.append(contentsOf: bytes)
                    while let newline = pending.firstIndex(of: 0x0A) {
                        take(pending[pending.startIndex..<newline])
                        pending = Data(pending[(newline + 1)...])
                    }
                    if pending.count > 1 << 16 { pending.removeAll() }       // an endless line is not the protocol
                }
            }
        }
        while process.isRunning {
            guard elapsed() < limit else { stop(); return .timedOut(seconds: limit) }
            usleep(1000)
        }
        if process.terminationReason == .uncaughtSignal { return .signalled(process.terminationStatus) }
        return .exited(status: process.terminationStatus, output: result, error: error)
    }
}
