import ArgumentParser
import DSP
import Foundation
import Tensor
import YAMNet

/// `mood analyze PATH…`: YAMNet's top classes for each audio file, streamed in bounded memory.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify sounds with YAMNet: the top classes by mean score over 0.96 s patches.",
        discussion: """
            Directories are searched recursively; their files are taken when their content is audio \
            (others are skipped, unreadable ones reported). Files are streamed: memory stays bounded \
            whatever their length. On a terminal, progress is shown on stderr.
            """)

    @Argument(help: "Audio files (WAV, or any format the decoder reads) and directories.")
    var paths: [String]

    @OptionGroup var model: ModelOptions

    @OptionGroup var limits: InputLimitOptions

    @Option(help: "Number of classes to show.")
    var top: Int = 5

    @Flag(help: "Also show each patch's top class, with its start time (0.48 s hop).")
    var frames = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        guard top > 0 else { throw ValidationError("--top must be at least 1") }
        let yamnet = try model.loadModel()          // loaded once, reused for every file
        let classes = try model.loadClassMap()
        guard classes.displayNames.count == yamnet.params.numClasses else {
            throw MoodError("class map has \(classes.displayNames.count) classes, the model \(yamnet.params.numClasses)")
        }
        let progress = ProgressBar()
        var failures = 0
        let files = audioFiles(paths) { path, reason in
            failures += 1
            progress.message("Error: \(path): \(reason)")
        }
        progress.total = files.count
        let stream = YAMNetStream(model: yamnet)
        let rate = Double(yamnet.params.frontend.sampleRate)
        var reports: [FileReport] = []
        for (index, file) in files.enumerated() {
            do {
                var summary = ScoreSummary(classes: yamnet.params.numClasses)
                var samples = 0
                try streamWaveform(file, limits: limits.limits, progress: { progress.update(file: file, index: index, fraction: $0) }) {
                    samples += $0.count
                    try stream.process($0) { summary.add($0) }
                }
                stream.finish { summary.add($0) }
                reports.append(FileReport(file: file, summary: summary, classes: classes, top: top, frames: frames,
                                          duration: Double(samples) / rate,
                                          hopSeconds: yamnet.params.frontend.patchHopSeconds))
            } catch {
                stream.reset()
                failures += 1
                progress.message("Error: \(file): \(limits.message(error))")
            }
        }
        progress.clear()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            for report in reports { report.printText() }
        }
        if failures > 0 { throw ExitCode(1) }
        if files.isEmpty { throw MoodError("no audio files in \(paths.joined(separator: ", "))") }
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

struct ClassScore: Codable {
    var index: Int
    var mid: String       // AudioSet ontology id
    var name: String
    var score: Float

    init(index: Int, classes: ClassMap, score: Float) {
        self.index = index; mid = classes.mids[index]; name = classes.displayNames[index]; self.score = score
    }
}

struct PatchReport: Codable {
    var start_s: Double
    var top: ClassScore
}

struct FileReport: Codable {
    var file: String
    var duration_s: Double
    var patches: Int
    var top: [ClassScore]
    var frames: [PatchReport]?

    init(file: String, summary: ScoreSummary, classes: ClassMap, top k: Int, frames: Bool,
         duration: Double, hopSeconds: Double) {
        self.file = file
        patches = summary.patches
        duration_s = duration
        top = summary.top(k).map { ClassScore(index: $0.index, classes: classes, score: $0.score) }
        self.frames = frames ? summary.tops.enumerated().map { i, best in
            PatchReport(start_s: Double(i) * hopSeconds, top: ClassScore(index: best.index, classes: classes, score: best.score))
        } : nil
    }

    func printText() {
        print("\(file)  (\(String(format: "%.2f", duration_s)) s, \(patches) patches)")
        for (rank, s) in top.enumerated() {
            print(String(format: "  %2d. ", rank + 1) + s.name.rightPadded(40) + String(format: " %.4f", Double(s.score)))
        }
        for f in frames ?? [] {
            print(String(format: "  %7.2f s  ", f.start_s) + f.top.name.rightPadded(40) + String(format: " %.4f", Double(f.top.score)))
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func rightPadded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
