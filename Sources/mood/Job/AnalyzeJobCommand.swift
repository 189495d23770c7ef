import ArgumentParser
import AudioIO
import Foundation
import Worker

/// `mood analyze-job PATH` (hidden): one job's analysis in a process of its own, run by
/// `IsolatedJobAnalyzer` for `mood worker`. First it limits itself (`ResourceLimits`), then tells
/// the audio's declared duration on stderr (`duration S` or `duration unknown`, for the worker's
/// deadline), loads the models, analyses the file and writes the result (one JSON object) to
/// stdout. A failure that is the file's is `error MESSAGE` on stderr and exit status 65
/// (EX_DATAERR); any other exit status is the worker's own fault (a model that will not load).
struct AnalyzeJobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze-job", abstract: "One worker job's analysis, isolated (used by mood worker).", shouldDisplay: false)

    @OptionGroup var model: ModelOptions
    @OptionGroup var limits: InputLimitOptions

    @Flag(help: "Decode formats without a native decoder with ffmpeg.")
    var ffmpeg = false

    @Option(help: ArgumentHelp("Address-space limit (RLIMIT_AS).", valueName: "bytes"))
    var addressSpace: Int

    @Option(help: ArgumentHelp("CPU-time limit (RLIMIT_CPU).", valueName: "seconds"))
    var cpuSeconds: Int

    @Argument(help: "The downloaded audio file.")
    var path: String

    static let dataErrorStatus: Int32 = 65

    func run() throws {
        try ResourceLimits(addressSpaceBytes: addressSpace, cpuSeconds: cpuSeconds).apply()
        Self.exitWithParent()
        let report = FileHandle.standardError
        // The header's duration, natively parsed; nil for what only ffmpeg reads.
        let declared = (try? AudioStream(path: path, limits: limits.limits, ffmpeg: nil)).flatMap { stream in
            stream.sampleRate > 0 ? Double(stream.expectedFrames) / Double(stream.sampleRate) : nil
        }
        report.write(Data("duration \(declared.map { String($0) } ?? "unknown")\n".utf8))
        let analyzer = MoodJobAnalyzer(analyzers: [try model.loadAnalyzer()], limits: limits.limits,
                                       ffmpeg: ffmpeg ? FFmpegDecoder.locate() : nil)
        let result: JobResult
        do {
            result = try analyzer.analyze(path: path)
        } catch {
            let message = limits.message(error).replacingOccurrences(of: "\n", with: " ")
            report.write(Data("error \(message)\n".utf8))
            throw ExitCode(Self.dataErrorStatus)
        }
        FileHandle.standardOutput.write(try JSONEncoder().encode(result.result))
    }

    /// Ends this process within a second of its worker's death (an orphan is re-parented), so a
    /// worker killed mid-job leaves no analysis running.
    private static func exitWithParent() {
        let parent = getppid()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { if getppid() != parent { _exit(70) } }
        timer.resume()
        watchdog = timer
    }
}

nonisolated(unsafe) private var watchdog: (any DispatchSourceTimer)?
