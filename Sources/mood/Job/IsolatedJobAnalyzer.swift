import Foundation
import Worker

/// The worker's analyzer: each job's analysis runs in a child process of `mood` itself
/// (`mood analyze-job`, which wraps `MoodJobAnalyzer`), so a crash, a runaway loop or a memory
/// blow-up kills that child, not the worker and its other jobs (issue #12). The child limits its
/// own address space and CPU time (`ResourceLimits`) before it reads the file, gets an environment
/// with none of the worker's secrets (`environment(from:)`, which also sets OpenBLAS to one
/// thread), and is killed at its `JobDeadline`.
/// Outcomes: the child's JSON object; "analysis crashed (signal N: NAME)"; "analysis timed out
/// after S s"; the child's own message for a file it refused (exit 65); any other exit is the
/// worker's fault (`JobAnalyzerFault`: the job is tried again).
final class IsolatedJobAnalyzer: JobAnalyzer {
    let executable: String
    /// `analyze-job` and its options; the file's path is appended.
    let arguments: [String]
    let environment: [String: String]
    let deadline: JobDeadline
    /// The largest result accepted (a normal one is tens of kilobytes).
    static let maxResultBytes = 16 << 20

    /// The running executable: /proc/self/exe stays this image even if the file is replaced.
    static let selfExecutable = FileManager.default.isExecutableFile(atPath: "/proc/self/exe")
        ? "/proc/self/exe" : CommandLine.arguments[0]

    /// What a child may see of the worker's environment: the search path, the locale, the
    /// temporary directory and the model locations — never SUPABASE_* or anything else.
    static let passedVariables: Set<String> = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "MOOD_YAMNET_WEIGHTS", "MOOD_EMOTION_WEIGHTS"]

    /// Set in every child: the engine runs OpenBLAS single-threaded (`BLASThreads`), but Debian's
    /// pthread build starts its pool in its library constructor, before `mood` runs, and the
    /// pool's idle thread spins on sched_yield: ~0.1 s of CPU per child, taken from the other
    /// jobs' cores (BENCHMARKS.md, cold start). The variable, read by that constructor, stops it.
    static let childVariables = ["OPENBLAS_NUM_THREADS": "1"]

    static func environment(from full: [String: String]) -> [String: String] {
        full.filter { passedVariables.contains($0.key) }.merging(childVariables) { _, set in set }
    }

    init(executable: String = IsolatedJobAnalyzer.selfExecutable, arguments: [String],
         environment: [String: String] = IsolatedJobAnalyzer.environment(from: ProcessInfo.processInfo.environment),
         deadline: JobDeadline) {
        (self.executable, self.arguments, self.environment, self.deadline) = (executable, arguments, environment, deadline)
    }

    func analyze(path: String) throws -> JobResult {
        let child = try AnalysisChild(executable: executable, arguments: arguments + ["--", path], environment: environment)
        switch child.finish(deadline: deadline, maxOutput: Self.maxResultBytes) {
        case .timedOut(let seconds):
            throw AnalysisError("analysis timed out after \(String(format: "%g", seconds)) s")
        case .signalled(let signal):
            throw AnalysisError("analysis crashed (signal \(signal)\(Self.signalName(signal).map { ": \($0)" } ?? ""))")
        case .outputTooLarge(let limit):
            throw AnalysisError("analysis crashed (its result passed \(limit) bytes)")
        case .exited(AnalyzeJobCommand.dataErrorStatus, _, let error):
            throw AnalysisError(error ?? "analysis failed")
        case .exited(0, let output, _):
            guard case .object(let result)? = try? JSONDecoder().decode(JSONValue.self, from: output) else {
                throw AnalysisError("analysis crashed (its result is not a JSON object)")
            }
            return JobResult(object: result)
        case .exited(let status, _, let error):
            throw JobAnalyzerFault("the analysis process exited with status \(status)" + (error.map { ": \($0)" } ?? ""))
        }
    }

    /// ref: signal(7).
    static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGXCPU: "SIGXCPU, over the CPU-time limit"
        default: nil
        }
    }
}

/// A job's analysis that failed for its file's sake; the message is the job's error.
struct AnalysisError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
