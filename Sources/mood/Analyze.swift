import AudioIO
import Analysis
import Plot
import ArgumentParser
import DSP
import Foundation
import Tensor
import YAMNet

/// `mood analyze PATH…`: the mood of each audio file — YAMNet's sounds, the acoustic features and
/// the emotion model — streamed in bounded memory.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse recordings: mood, emotion, energy, YAMNet's top sounds, features and a timeline.",
        discussion: """
            Directories are searched recursively; their files are taken when their content is audio \
            (others are skipped, unreadable ones reported). Files are streamed: memory stays bounded \
            whatever their length. On a terminal, progress is shown on stderr. Without YAMNet weights \
            the emotion model runs on the acoustic features alone and the result says so.
            """)

    @Argument(help: "Audio files (WAV, FLAC, MP3; other formats through ffmpeg) and directories.")
    var paths: [String]

    @OptionGroup var model: ModelOptions

    @OptionGroup var limits: InputLimitOptions

    @Flag(help: "Print the result as JSON (Schemas/mood-result.schema.json; an array of {file, result} for several files).")
    var json = false

    @Option(help: ArgumentHelp("Draw the log-mel spectrogram, top sounds and arousal/valence to an SVG file (one input file).",
                               valueName: "out.svg"))
    var plot: String?

    func run() throws {
        let analyzer = try model.loadAnalyzer()
        let progress = ProgressBar()
        var failures = 0
        let files = audioFiles(paths) { path, reason in
            failures += 1
            progress.message("Error: \(path): \(reason)")
        }
        if plot != nil, files.count != 1 { throw ValidationError("--plot draws one file; \(files.count) were given") }
        progress.total = files.count
        var results: [(file: String, result: MoodResult)] = []
        for (index, file) in files.enumerated() {
            do {
                let pooler = plot.map { _ in SpectrogramPooler(bands: 64, frameSeconds: 0.010) }
                let result = try analyzer.analyze(path: file, limits: limits.limits, logMel: pooler.map { p in { p.add(rows: $0) } }) {
                    progress.update(file: file, index: index, fraction: $0)
                }
                if let plot, let pooler {
                    let data = PlotData(file: file, result: result, pooler: pooler)
                    do { try Data(MoodPlot.svg(data).utf8).write(to: URL(fileURLWithPath: plot)) }
                    catch { throw MoodError("cannot write \(plot): \((error as NSError).localizedDescription)") }
                }
                results.append((file, result))
            } catch {
                failures += 1
                let message = limits.message(error)          // decoder errors already name the file
                progress.message("Error: " + (message.contains(file) ? message : "\(file): \(message)"))
            }
        }
        progress.clear()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = paths.count == 1 && files.count == 1 && results.count == 1
                ? try encoder.encode(results[0].result)
                : try encoder.encode(results.map { FileResult(file: $0.file, result: $0.result) })
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (file, result) in results { printText(file, result) }
        }
        if failures > 0 { throw ExitCode(1) }
        if files.isEmpty { throw MoodError("no audio files in \(paths.joined(separator: ", "))") }
    }

    struct FileResult: Encodable {
        var file: String
        var result: MoodResult
    }

    func printText(_ file: String, _ r: MoodResult) {
        print("\(file)  (\(String(format: "%.2f", r.durationS)) s)")
        print("  mood \(r.mood.rawValue), emotion \(r.emotion.rawValue) (\(String(format: "%.2f", r.emotionConfidence))), "
              + "energy \(r.energyLevel.rawValue), confidence \(String(format: "%.2f", r.confidence))")
        print(String(format: "  arousal %+.2f, valence %+.2f", r.arousal, r.valence))
        for (rank, s) in r.topSounds.enumerated() {
            print(String(format: "  %2d. ", rank + 1) + s.label.rightPadded(40) + String(format: " %.4f", s.score))
        }
        let f = r.features
        var facts = [String(format: "loudness %.1f dB", f.loudnessDb), String(format: "speech rate %.1f/s", f.speechRate),
                     String(format: "voiced %.0f%%", 100 * f.voicedFraction)]
        if let bpm = f.tempoBpm { facts.append(String(format: "tempo %.0f BPM", bpm)) }
        if let key = f.key { facts.append("key \(key)") }
        if let pitch = f.pitchMedianHz { facts.append(String(format: "pitch %.0f Hz", pitch)) }
        print("  " + facts.joined(separator: ", "))
        for warning in r.warnings { print("  warning: \(warning)") }
    }
}

/// The files among `paths`: a file is taken as given (whatever it holds: analysing it says what is
/// wrong); a directory gives the regular files under it, recursively, in path order, whose content
/// is audio (`AudioFormat.detect(path:)`). Files that are not audio, and other entries (devices,
/// pipes), are skipped; `unreadable` gets each entry that cannot be read, and why.
func audioFiles(_ paths: [String], unreadable: (String, String) -> Void) -> [String] {
    var files: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            files.append(path)
            continue
        }
        var found: [String] = []
        var failed: [(String, String)] = []
        let entries = FileManager.default.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: nil,
                                                     errorHandler: { url, error in
            failed.append((url.path, "cannot read \(url.path): \((error as NSError).localizedDescription)"))
            return true
        })
        while let url = entries?.nextObject() as? URL { found.append(url.path) }
        for (entry, reason) in failed { unreadable(entry, reason) }
        for entry in found.sorted() {
            var info = stat()
            guard stat(entry, &info) == 0 else {
                unreadable(entry, "cannot read \(entry): " + String(cString: strerror(errno)).lowercased())
                continue
            }
            guard info.st_mode & S_IFMT == S_IFREG else { continue }
            do {
                if try AudioFormat.detect(path: entry) != .unknown { files.append(entry) }
            } catch {
                unreadable(entry, "\(error)")
            }
        }
    }
    return files
}

/// One line on stderr while files are analysed — files done of all, the current file's percent
/// (of its frames decoded) — when stderr is a terminal and the work has lasted a second, redrawn
/// at most ten times a second. Messages are written through it so they do not mix with the bar.
final class ProgressBar {
    var total = 0
    private let enabled = isatty(STDERR_FILENO) != 0
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var shown = false

    init() { start = clock.now }

    func update(file: String, index: Int, fraction: Double) {
        guard enabled else { return }
        let now = clock.now
        guard now - start >= .seconds(1), lastDraw.map({ now - $0 >= .milliseconds(100) }) ?? true else { return }
        lastDraw = now
        let fraction = min(max(fraction, 0), 1), width = 24, done = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: done) + String(repeating: "-", count: width - done)
        let percent = Int(fraction * 100)
        var name = (file as NSString).lastPathComponent
        if name.count > 40 { name = "…" + name.suffix(39) }
        write("\r\u{1B}[K\(index)/\(total) files  [\(bar)] \(String(percent).leftPadded(3))%  \(name)")
        shown = true
    }

    /// Writes `text` and a newline on stderr, below the bar.
    func message(_ text: String) {
        clear()
        write(text + "\n")
    }

    /// Erases the bar.
    func clear() {
        guard shown else { return }
        write("\r\u{1B}[K")
        shown = false
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPadded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
