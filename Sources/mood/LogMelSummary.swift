import YAMNet
import AudioIO
import Analysis
import ArgumentParser
import DSP
import Foundation

/// `mood logmel FILE`: what the front end makes of a WAV file.
struct LogMelSummary: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logmel", abstract: "Print the YAMNet log-mel spectrogram summary of an audio file.")

    @Argument(help: "Audio file (WAV, FLAC, MP3; other formats through ffmpeg), decoded and resampled to 16 kHz mono.")
    var file: String

    func run() throws {
        let waveform = try readWaveform(file, sampleRate: FrontendParams().sampleRate)
        let frontend = PatchFrontend()
        let logMel = try LogMelSpectrogram()(frontend.pad(waveform))
        let values = logMel.values
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(values.count, 1))
        print("file:     \(file)")
        print("samples:  \(waveform.count) (\(String(format: "%.3f", Double(waveform.count) / 16000)) s), padded to \(frontend.paddedLength(samples: waveform.count))")
        print("log-mel:  \(logMel.frames) frames × \(logMel.bands) bands")
        print("patches:  \(frontend.patchCount(frames: logMel.frames)) × [96, 64]")
        print("values:   min \(fmt(values.min() ?? 0))  max \(fmt(values.max() ?? 0))  mean \(fmt(Float(mean)))")
    }
}

func fmt(_ x: Float, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", Double(x)) }
