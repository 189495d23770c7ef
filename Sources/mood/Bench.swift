import ArgumentParser
import DSP
import Foundation
import Tensor
import YAMNet

/// `mood bench …`: release-build measurements (never run as tests). See BENCHMARKS.md.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (build with -c release).",
        subcommands: [Frontend.self, Model.self, Kernels.self, Memory.self, Resample.self, Decode.self, Features.self, EmotionCues.self])

    struct Frontend: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "frontend", abstract: "Log-mel throughput (× real time) and sgemm GFLOP/s.")

        @Option(help: "Seconds of audio per log-mel run.") var seconds: Double = 60
        @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 7
        @Option(help: "Threads for the log-mel front end and for OpenBLAS's sgemm.") var threads: Int = 1

        func run() throws {
            let audio = benchAudio(seconds: seconds)
            let logMel = try LogMelSpectrogram(threads: threads)
            var frames = 0
            let t = median(repeats) { frames = try! logMel(audio).frames }
            print(String(format: "log-mel: %.1f s of audio (%d frames), %d thread(s): %.2f ms (median of %d) = %.0f× real time",
                         seconds, frames, threads, t * 1000, repeats, seconds / t))
            BLASThreads.set(threads)
            // Square GEMM; YAMNet's pointwise layers 8–12 for a batch of 32 patches; its layer 2
            // for one patch (the early rows run one patch at a time).
            for (m, n, k) in [(1024, 1024, 1024), (32 * 6 * 4, 512, 512), (48 * 32, 64, 32)] {
                var a = [Float](repeating: 0, count: m * k), b = [Float](repeating: 0, count: k * n)
                for i in a.indices { a[i] = Float(i % 17) / 17 - 0.5 }
                for i in b.indices { b[i] = Float(i % 13) / 13 - 0.5 }
                var c = [Float](repeating: 0, count: m * n)
                let reps = max(1, Int(2e9 / Double(2 * m * n * k)))
                let t = median(repeats) {
                    for _ in 0..<reps { sgemm(m: m, n: n, k: k, a: a, b: b, c: &c) }
                } / Double(reps)
                print(String(format: "sgemm %5d×%4d×%4d, %d thread(s): %6.1f GFLOP/s", m, n, k, threads,
                             2 * Double(m * n * k) / t / 1e9))
            }
        }
    }

    struct Model: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "yamnet", abstract: "End-to-end YAMNet time (log-mel + network) on synthetic audio.")

        @OptionGroup var model: ModelOptions
        @Option(help: "Seconds of audio.") var seconds: Double = 60
        @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 5
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            let audio = benchAudio(seconds: seconds)
            let yamnet = try model.loadModel()
            _ = try yamnet(audio)                      // warm-up: touches the runner's buffers
            var patches = 0
            let t = median(repeats) { patches = try! yamnet(audio).patchCount }
            let kernels = KernelVariant.active
            if json {
                print("{\"seconds\": \(seconds), \"threads\": \(model.threads), \"batch\": \(model.batch), \"patches\": \(patches), \"median_s\": \(t), \"repeats\": \(repeats), \"kernels\": \"\(kernels.rawValue)\"}")
            } else {
                print("kernels: \(kernels.rawValue) (\(kernels.table.lanes) floats per vector; this CPU runs \(KernelVariant.supportedHere.map(\.rawValue).joined(separator: ", ")); MOOD_KERNELS picks one)")
                print(String(format: "yamnet: %.1f s of audio (%d patches), %d thread(s): %.3f s (median of %d) = %.1f× real time",
                             seconds, patches, model.threads, t, repeats, seconds / t))
            }
        }
    }
}

/// Deterministic test audio: three tones and LCG noise, 16 kHz.
func benchAudio(seconds: Double) -> [Float] {
    var state: UInt32 = 12345
    return (0..<Int(seconds * 16000)).map { i in
        state = state &* 1_664_525 &+ 1_013_904_223
        let t = Double(i) / 16000
        let tones = 0.2 * sin(2 * .pi * 440 * t) + 0.1 * sin(2 * .pi * 1234 * t) + 0.05 * sin(2 * .pi * 3000 * t)
        return Float(tones + 0.05 * (Double(state >> 8) / Double(1 << 24) - 0.5))
    }
}

/// Median wall time in seconds of `count` runs of `body`.
func median(_ count: Int, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let times = (0..<max(count, 1)).map { _ -> Double in
        let d = clock.measure(body)
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }.sorted()
    return times[times.count / 2]
}
