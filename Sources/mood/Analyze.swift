import ArgumentParser
import Foundation
import Tensor
import YAMNet

/// `mood analyze FILE…`: YAMNet's top classes for each file.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify sounds with YAMNet: the top classes by mean score over 0.96 s patches.")

    @Argument(help: "WAV files (16-bit PCM or 32-bit float, 16 kHz).")
    var files: [String]

    @OptionGroup var model: ModelOptions

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
        var reports: [FileReport] = []
        var failures = 0
        for file in files {
            do {
                let waveform = try readWaveform(file)
                let output = try yamnet(waveform)
                reports.append(FileReport(file: file, output: output, classes: classes, top: top, frames: frames,
                                          duration: Double(waveform.count) / Double(yamnet.params.frontend.sampleRate),
                                          hopSeconds: yamnet.params.frontend.patchHopSeconds))
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("Error: \(file): \(error)\n".utf8))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            for report in reports { report.printText() }
        }
        if failures > 0 { throw ExitCode(1) }
    }
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

    init(file: String, output: YAMNetOutput, classes: ClassMap, top k: Int, frames: Bool,
         duration: Double, hopSeconds: Double) {
        self.file = file
        let n = output.patchCount, c = output.scores.shape[1]
        patches = n
        duration_s = duration
        var mean = [Double](repeating: 0, count: c)
        for i in 0..<n { for j in 0..<c { mean[j] += Double(output.scores.data[i * c + j]) } }
        let order = (0..<c).sorted { mean[$0] > mean[$1] || (mean[$0] == mean[$1] && $0 < $1) }
        top = order.prefix(k).map { ClassScore(index: $0, classes: classes, score: Float(mean[$0] / Double(max(n, 1)))) }
        self.frames = frames ? (0..<n).map { i in
            let row = output.scores.data[(i * c)..<((i + 1) * c)]
            let best = row.indices.max { row[$0] < row[$1] }! - i * c
            return PatchReport(start_s: Double(i) * hopSeconds,
                               top: ClassScore(index: best, classes: classes, score: row[i * c + best]))
        } : nil
    }

    func printText() {
        print("\(file)  (\(String(format: "%.2f", duration_s)) s, \(patches) patches)")
        for (rank, s) in top.enumerated() {
            print(String(format: "  %2d. %-40@ %.4f", rank + 1, s.name as NSString, Double(s.score)))
        }
        for f in frames ?? [] {
            print(String(format: "  %7.2f s  %-40@ %.4f", f.start_s, f.top.name as NSString, Double(f.top.score)))
        }
    }
}
