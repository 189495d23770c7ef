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

    private let pid: pid_t
    private var reaped = false
    private let output: Int32, messages: Int32
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

    /// Starts `executable arguments` with exactly `environment`, stdin from /dev/null, by
    /// posix_spawn(3). The pipes are close-on-exec in this process, so a child started beside it
    /// does not inherit (and hold open) this one's; if one slips through between pipe(2) and
    /// fcntl(2), `finish` still ends on the child's exit rather than on end of file.
    init(executable: String, arguments: [String], environment: [String: String]) throws(JobAnalyzerFault) {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw Self.fault("pipe") }
        guard pipe(&err) == 0 else { close(out[0]); close(out[1]); throw Self.fault("pipe") }
        defer { close(out[1]); close(err[1]) }
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // Default dispositions and an empty signal mask: not the worker's (SIGTERM ignored, signals
        // blocked on this thread), so the CPU limit's SIGXCPU and a crash's signal act.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(out[0]); close(err[0])
            throw JobAnalyzerFault("cannot start the analysis process \(executable): \(String(cString: strerror(status)))")
        }
        (self.pid, output, messages) = (pid, out[0], err[0])
    }

    deinit {
        if !reaped { kill(pid, SIGKILL); _ = wait(blocking: true) }
        close(output); close(messages)
        buffer.deallocate()
    }

    private static func fault(_ call: String) -> JobAnalyzerFault {
        JobAnalyzerFault("cannot start the analysis process: \(call): \(String(cString: strerror(errno)))")
    }

    /// The child's wait status once it has ended (nil while it runs, unless `blocking`).
    private func wait(blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid { reaped = true; return status }
            if result == 0 { return nil }
            if errno != EINTR { reaped = true; return nil }          // not ours to wait for: gone
        }
    }

    /// Waits for the child's end. The deadline is `deadline.initial` until a `duration` line comes.
    func finish(deadline: JobDeadline, maxOutput: Int) -> End {
        let clock = ContinuousClock(), start = clock.now
        var limit = deadline.initial
        var result = Data(), pending = Data(), error: String?
        var open = [output, messages]
        func elapsed() -> Double { let d = clock.now - start; return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        func stop() { kill(pid, SIGKILL); _ = wait(blocking: true) }
        func take(_ line: Data) {
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("duration ") {
                limit = deadline.seconds(forDuration: Double(text.dropFirst("duration ".count)))
            } else if text.hasPrefix("error ") {
                error = String(text.dropFirst("error ".count).prefix(2000))
            }
        }
        // Until both pipes close — or the child is gone (a grandchild may still hold a pipe).
        var status: Int32?
        while !open.isEmpty {
            let left = limit - elapsed()
            guard left > 0 else { stop(); return .timedOut(seconds: limit) }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left, 0.05) * 1000 + 1))
            if ready <= 0 {
                status = wait(blocking: false)
                if reaped { break }
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
        while !reaped {
            guard elapsed() < limit else { stop(); return .timedOut(seconds: limit) }
            status = wait(blocking: false)
            if !reaped { usleep(1000) }
        }
        // ref: <bits/waitstatus.h>: the low 7 bits are the terminating signal, 0 for an exit.
        let code = status ?? 0
        if code & 0x7F != 0 { return .signalled(code & 0x7F) }
        return .exited(status: (code >> 8) & 0xFF, output: result, error: error)
    }
}
