import YAMNet
import AudioIO
import Analysis
import ArgumentParser
import DSP
import Foundation

/// `mood decode FILE --out OUT.wav [--native]`: what the engine hears, as a float32 WAV.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write what the engine hears: 16 kHz mono float32 WAV, or with --native the decoded samples at the file's own rate and channel count.")

    @Argument(help: "Audio file (format detected from its content).")
    var file: String

    @Option(help: "Output WAV path.")
    var out: String

    @Flag(help: "Keep the file's own sample rate and channels (no down-mix, no resampling).")
    var native = false

    func run() throws {
        let rate = FrontendParams().sampleRate
        let bytes: [UInt8]
        if native {
            let audio = try AudioDecoder.decode(path: file)
            bytes = WAVWriter.float32(samples: audio.samples, sampleRate: audio.sampleRate, channels: audio.channels)
            print("\(file): \(audio.frames) frames × \(audio.channels) channels at \(audio.sampleRate) Hz → \(out)")
        } else {
            let waveform = try readWaveform(file, sampleRate: rate)
            bytes = WAVWriter.float32(samples: waveform, sampleRate: rate, channels: 1)
            print("\(file): \(waveform.count) samples, mono at \(rate) Hz → \(out)")
        }
        do { try Data(bytes).write(to: URL(fileURLWithPath: out)) }
        catch { throw MoodError("cannot write \(out): \((error as NSError).localizedDescription)") }
    }
}
