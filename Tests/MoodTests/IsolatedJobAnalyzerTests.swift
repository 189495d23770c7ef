import Foundation
import Testing
import Worker
@testable import mood

/// `IsolatedJobAnalyzer` against stand-in children (`/bin/sh -c SCRIPT`, the job's path as `$2`)
/// that behave as `mood analyze-job` does or as a broken analysis would; the real child runs in
/// Scripts/worker_e2e. Each outcome maps to the job's message.
@Suite struct IsolatedJobAnalyzerTests {
    static func analyzer(_ script: String, deadline: JobDeadline = JobDeadline(fixed: 10),
                         environment: [String: String] = ["PATH": "/usr/bin:/bin"]) -> IsolatedJobAnalyzer {
        IsolatedJobAnalyzer(executable: "/bin/sh", arguments: ["-c", script, "sh"], environment: environment, deadline: deadline)
    }

    static func message(_ script: String, deadline: JobDeadline = JobDeadline(fixed: 10)) -> String? {
        do { _ = try analyzer(script, deadline: deadline).analyze(path: "/x.wav"); return nil } catch { return "\(error)" }
    }

    @Test func theResultIsTheChildsJSONObject() throws {
        let result = try Self.analyzer(#"echo "duration 1.5" >&2; printf '{"mood":"calm","path":"%s"}' "$2""#).analyze(path: "/tmp/a.wav").object
        #expect(result == ["mood": "calm", "path": "/tmp/a.wav"])
    }

    @Test func aCrashIsReportedWithItsSignal() {
        #expect(Self.message("kill -SEGV $$") == "analysis crashed (signal 11: SIGSEGV)")
        #expect(Self.message("kill -ILL $$") == "analysis crashed (signal 4: SIGILL)")
    }

    @Test func theCPULimitEndsARunawayChild() {
        // The child's own RLIMIT_CPU, as `ResourceLimits` sets it: SIGXCPU after 1 s of CPU.
        #expect(Self.message("ulimit -S -t 1; while :; do :; done") == "analysis crashed (signal 24: SIGXCPU, over the CPU-time limit)")
    }

    @Test func theDeadlineKillsAHungChild() {
        let clock = ContinuousClock(), start = clock.now
        #expect(Self.message("sleep 30", deadline: JobDeadline(fixed: 0.3)) == "analysis timed out after 0.3 s")
        #expect(clock.now - start < .seconds(5))
    }

    /// Before the child tells the duration, `base` applies; its `duration` line moves the deadline.
    @Test func theDeadlineFollowsTheDeclaredDuration() {
        let deadline = JobDeadline(base: 0.3, perAudioSecond: 1, cap: 5)
        #expect(Self.message("sleep 1; echo '{}'", deadline: deadline) == "analysis timed out after 0.3 s")
        #expect(Self.message("echo 'duration 1' >&2; sleep 1; echo '{}'", deadline: deadline) == nil)
        #expect(Self.message("echo 'duration 1e9' >&2; sleep 1; echo '{}'", deadline: deadline) == nil)      // capped at 5 s
        #expect(Self.message("echo 'duration unknown' >&2; sleep 1; echo '{}'", deadline: deadline) == nil)  // the cap
        #expect(deadline.seconds(forDuration: 2) == 2.3 && deadline.seconds(forDuration: .infinity) == 5)
        #expect(JobDeadline().seconds(forDuration: 600) == 120 && JobDeadline().seconds(forDuration: nil) == 1800)
    }

    @Test func theFilesOwnFailureIsTheChildsMessage() {
        #expect(Self.message("echo 'duration unknown' >&2; echo 'error unsupported format Ogg' >&2; exit 65") == "unsupported format Ogg")
    }

    /// Any other exit (a model that does not load) is the worker's fault: retried, not blamed on the file.
    @Test func anotherExitIsAWorkerFault() {
        #expect(throws: JobAnalyzerFault.self) { try Self.analyzer("exit 1").analyze(path: "/x.wav") }
        #expect(throws: JobAnalyzerFault.self) {
            try IsolatedJobAnalyzer(executable: "/nonexistent/mood", arguments: [], deadline: JobDeadline()).analyze(path: "/x.wav")
        }
    }

    @Test func garbageOrEndlessOutputIsRefused() {
        #expect(Self.message("echo '[1,2]'") == "analysis crashed (its result is not a JSON object)")
        #expect(Self.message("yes") == "analysis crashed (its result passed \(IsolatedJobAnalyzer.maxResultBytes) bytes)")
    }

    /// The child sees PATH, the locale, TMPDIR and the model locations — never a key — and
    /// OpenBLAS set to one thread.
    @Test func theChildGetsAScrubbedEnvironment() throws {
        let environment = IsolatedJobAnalyzer.environment(from: [
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SUPABASE_SERVICE_ROLE_KEY": "secret", "SUPABASE_URL": "https://x",
            "AWS_SECRET_ACCESS_KEY": "secret", "MOOD_EMOTION_WEIGHTS": "/w/emotion.bin", "HOME": "/root"])
        #expect(environment == ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MOOD_EMOTION_WEIGHTS": "/w/emotion.bin",
                                "OPENBLAS_NUM_THREADS": "1"])
        let seen = try Self.analyzer(#"printf '{"env":"%s"}' "$(env | grep -c secret)""#, environment: environment).analyze(path: "/x.wav").object
        #expect(seen == ["env": "0"])
    }

    /// Several children at once, each its own outcome (a crash does not touch the others).
    @Test func childrenRunSideBySide() async throws {
        let scripts = ["sleep 0.2; echo '{\"n\":1}'", "kill -SEGV $$", "sleep 0.2; echo '{\"n\":3}'", "sleep 30"]
        let outcomes = await withTaskGroup(of: (Int, String).self) { group in
            for (i, script) in scripts.enumerated() {
                group.addTask {
                    do {
                        let result = try Self.analyzer(script, deadline: JobDeadline(fixed: 1)).analyze(path: "/x.wav")
                        return (i, String(decoding: JSONValue.object(result.object ?? [:]).data, as: UTF8.self))
                    }
                    catch { return (i, "\(error)") }
                }
            }
            return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes[0] == #"{"n":1}"# && outcomes[2] == #"{"n":3}"#)
        #expect(outcomes[1] == "analysis crashed (signal 11: SIGSEGV)" && outcomes[3] == "analysis timed out after 1 s")
    }
}

extension JobResult {
    /// The result as the JSON object the child printed (`IsolatedJobAnalyzer` keeps it as one).
    var object: JSONObject? { result as? JSONObject }
}
