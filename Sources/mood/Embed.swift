import AudioIO
import Analysis
import ArgumentParser
import Foundation
import Tensor
import YAMNet

/// `mood embed FILE --out DIR`: YAMNet's outputs as NumPy arrays.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write scores.npy [N,521], embeddings.npy [N,1024] and log_mel.npy [frames,64] (float32).")

    @Argument(help: "Audio file (WAV, FLAC, MP3; other formats through ffmpeg), decoded and resampled to 16 kHz mono.")
    var file: String

    @OptionGroup var model: ModelOptions

    @Option(help: "Output directory (created if missing).")
    var out: String

    func run() throws {
        let output = try model.loadModel()(readWaveform(file, sampleRate: FrontendParams().sampleRate))
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let logMel = Tensor(shape: [output.logMel.frames, output.logMel.bands], data: output.logMel.values)
        for (name, tensor) in [("scores", output.scores), ("embeddings", output.embeddings), ("log_mel", logMel)] {
            let url = URL(fileURLWithPath: out).appendingPathComponent("\(name).npy")
            try Data(tensor.npyBytes()).write(to: url)
            print("wrote \(url.path) \(tensor.shape)")
        }
    }
}
