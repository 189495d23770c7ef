import ArgumentParser
import DSP
import Foundation

extension Bench {
    /// `mood bench resample`: resampler throughput to 16 kHz on one core, in × real time (seconds
    /// of input audio per second of compute), for one-piece input and for a stream of short chunks.
    struct Resample: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resample", abstract: "Resampler throughput to 16 kHz on one core (× real time).")

        @Option(parsing: .upToNextOption, help: "Input rates in Hz.") var rates: [Int] = [48000, 44100]
        @Option(help: "Seconds of audio per run.") var seconds: Double = 30
        @Option(help: "Chunk length in ms for the streaming runs.") var chunkMs: Int = 10
        @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 9

        func run() throws {
            for rate in rates {
                let plan = try ResamplerPlan(inputRate: rate, outputRate: 16000)
                let audio = resampleBenchAudio(rate: rate, seconds: seconds)
                let stream = Resampler(plan: plan)
                var produced = 0
                _ = stream.process(audio) + stream.finish()          // warm-up
                let whole = median(repeats) { produced = stream.process(audio).count + stream.finish().count }
                let chunk = max(rate * chunkMs / 1000, 1)
                let chunked = median(repeats) {
                    var count = 0, offset = 0
                    while offset < audio.count {
                        let end = min(offset + chunk, audio.count)
                        count += audio[offset..<end].withUnsafeBufferPointer { stream.process($0).count }
                        offset = end
                    }
                    produced = count + stream.finish().count
                }
                let kind = plan.isInterpolated ? "interpolated" : plan.upFactor == 1 ? "1 phase" : "\(plan.upFactor) phases"
                print(String(format: "resample %6d → 16000 Hz (%d/%d, %@, %d taps), %.0f s → %d samples: "
                             + "one piece %.2f ms = %.0f× real time; %d ms chunks %.2f ms = %.0f× real time",
                             rate, plan.upFactor, plan.downFactor, kind, plan.taps, seconds, produced,
                             whole * 1000, seconds / whole, chunkMs, chunked * 1000, seconds / chunked))
            }
        }
    }
}

/// Deterministic test audio at `rate`: three tones, one above 8 kHz, and LCG noise.
private func resampleBenchAudio(rate: Int, seconds: Double) -> [Float] {
    var state: UInt32 = 12345
    let r = Double(rate)
    return (0..<Int(seconds * r)).map { i in
        state = state &* 1_664_525 &+ 1_013_904_223
        let t = Double(i) / r
        let tones = 0.2 * sin(2 * .pi * 440 * t) + 0.1 * sin(2 * .pi * 3000 * t) + 0.05 * sin(2 * .pi * 9000 * t)
        return Float(tones + 0.05 * (Double(state >> 8) / Double(1 << 24) - 0.5))
    }
}
