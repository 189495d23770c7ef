import ArgumentParser
import Foundation

extension Bench {
    /// `mood bench memory`: the analyzers of `mood worker --concurrency N`, built by the worker's
    /// own code (`ModelOptions.loadAnalyzers(slots:)`: one `YAMNet.Weights`, one runner per slot),
    /// each analysing FILE once in turn, with the process's resident memory after each step.
    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "memory", abstract: "Resident memory of the worker's analyzers: weights once, buffers per runner.")

        @OptionGroup var model: ModelOptions
        @Option(help: "Analyzers (job slots), as the worker's --concurrency.") var runners: Int = 1
        @Argument(help: "Audio file each analyzer analyses once (use ≥ 16 s so a full batch runs).") var file: String

        func run() throws {
            let start = residentBytes()
            let analyzers = try model.loadAnalyzers(slots: runners)
            let loaded = residentBytes()
            for analyzer in analyzers { _ = try analyzer.analyze(path: file) }
            let used = residentBytes()
            let perRunner = analyzers.first?.yamnet?.bufferBytes ?? 0
            func mb(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f MB", Double($0) / 1e6) } ?? "n/a" }
            print("runners \(runners): RSS at start \(mb(start.rss)); weights and runners loaded \(mb(loaded.rss)); "
                  + "after each analysed the file \(mb(used.rss)) (peak \(mb(used.peak))); "
                  + "runner buffers \(mb(perRunner)) each, \(mb(perRunner * analyzers.count)) in all")
        }
    }
}

/// The process's resident set size and its peak (Linux /proc/self/status VmRSS, VmHWM), or nil.
func residentBytes() -> (rss: Int?, peak: Int?) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (nil, nil) }
    func field(_ name: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }
    return (field("VmRSS"), field("VmHWM"))
}
