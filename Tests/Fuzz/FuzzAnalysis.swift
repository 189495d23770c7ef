import Analysis
import AudioIO
import Emotion
import Foundation
import TestSupport
import YAMNet

/// Mutation fuzzing of the audio decoders and the analysis (README "Fuzzing"): `MOOD_FUZZ_INPUTS`
/// mutated files (`MutationEngine`) through `AudioDecoder.decode`, `AudioStream` and
/// `MoodAnalyzer.analyze` (`Harness`; YAMNet with the seeded test weights unless
/// `MOOD_FUZZ_YAMNET=0`), each within a deadline (`Watchdog`), then the peak RSS checked against a
/// bound derived from the limits.
/// Exit status: 0 passed, 1 an input broke an expectation or memory passed the bound, 2 the
/// fuzzer could not start, 3 an input passed the deadline; a crash leaves the input it was
/// decoding in `current.bin` and `current.txt`.
@main
enum FuzzAnalysis {
    static func main() {
        do {
            exit(try run(FuzzConfiguration(environment: ProcessInfo.processInfo.environment)) ? 0 : 1)
        } catch {
            FileHandle.standardError.write(Data("fuzz: \(error)\n".utf8))
            exit(2)
        }
    }

    static func run(_ configuration: FuzzConfiguration) throws -> Bool {
        let seeds = try Seeds.load(root: configuration.root)
        let engine = MutationEngine(seeds: seeds, runSeed: configuration.runSeed)
        let workspace = try Workspace(configuration.directory)
        let harness = Harness(configuration: configuration, path: workspace.current.path, analyzer: try analyzer(configuration))
        let watchdog = Watchdog(deadline: configuration.deadline, workspace: workspace)
        var memory = MemoryBound(configuration)
        say("fuzz: \(configuration.inputs) inputs\(configuration.yamnet ? "" : " (YAMNet off)") from input \(configuration.first), run seed \(hex(configuration.runSeed)), "
              + "\(seeds.values.map(\.count).reduce(0, +)) seed files, deadline \(configuration.deadline) s; "
              + "the input being decoded is in \(workspace.note.path)")
        var summary = Summary()
        let start = DispatchTime.now().uptimeNanoseconds
        for index in configuration.first..<(configuration.first + configuration.inputs) {
            let input = engine.input(index)
            memory.add(input)
            try workspace.record(input, rerun: configuration.rerun(index))
            let began = DispatchTime.now().uptimeNanoseconds
            watchdog.begin(input)
            let run = harness.run(input)
            watchdog.end()
            summary.add(input, format: AudioFormat.detect(input.bytes).name, run,
                        seconds: Double(DispatchTime.now().uptimeNanoseconds - began) * 1e-9)
            if !run.problems.isEmpty {
                let saved = workspace.save("failure", index: index, details: run.problems.joined(separator: "\n"))
                say("fuzz: FAILED \(input.description)\n  " + run.problems.joined(separator: "\n  ") + "\n  saved \(saved)")
            }
            if summary.inputs % 5000 == 0 { say("fuzz: \(summary.inputs) inputs, \(summary.failed) failed") }
        }
        workspace.clearCurrent()
        say(summary.report(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9))
        let peak = MemoryBound.peakRSS(), withinBound = peak <= memory.bytes
        say("  peak RSS: \(peak >> 20) MiB, bound \(memory.bytes >> 20) MiB (\(memory.derivation))"
              + (withinBound ? "" : ": FAILED, over the bound"))
        return summary.failed == 0 && withinBound
    }

    /// The emotion model's weights (Weights/emotion.bin) and, when on, YAMNet with the golden tests'
    /// seeded weights (`SeededWeights`: random but fixed; the plumbing is what is fuzzed), on two
    /// threads where there are two cores.
    static func analyzer(_ configuration: FuzzConfiguration) throws -> MoodAnalyzer {
        let weights = configuration.root.appendingPathComponent("Weights")
        let emotion = try EmotionModel(path: weights.appendingPathComponent("emotion.bin").path)
        guard configuration.yamnet else { return MoodAnalyzer(yamnet: nil, classes: nil, emotion: emotion) }
        let threads = min(2, ProcessInfo.processInfo.activeProcessorCount)
        return MoodAnalyzer(yamnet: try YAMNet(weights: YAMNet.Weights(path: SeededWeights.goldenFile), threads: threads),
                            classes: try ClassMap(path: weights.appendingPathComponent("yamnet_class_map.csv").path), emotion: emotion)
    }
}

/// A line on stdout, written at once (print's buffer would hold progress lines back from a CI log).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
