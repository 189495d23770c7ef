import ArgumentParser
import DSP
import Foundation
import YAMNet

/// Options shared by the commands that run YAMNet.
struct ModelOptions: ParsableArguments {
    @Option(help: "YAMNet weight file (format v1). Default: $MOOD_YAMNET_WEIGHTS, else Weights/yamnet.bin.")
    var weights: String?

    @Option(help: "Class map CSV. Default: yamnet_class_map.csv beside the weights, else Weights/.")
    var classMap: String?

    @Option(help: "Threads for inference.")
    var threads: Int = 1

    @Option(help: "Patches per network batch (memory grows linearly with it).")
    var batch: Int = 32

    var weightsPath: String {
        weights ?? ProcessInfo.processInfo.environment["MOOD_YAMNET_WEIGHTS"] ?? "Weights/yamnet.bin"
    }

    func loadModel() throws -> YAMNet {
        let path = weightsPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw MoodError("YAMNet weights not found at \(path): run Scripts/fetch-weights to download and convert the official weights, or pass --weights PATH")
        }
        return try YAMNet(weights: YAMNetWeights(path: path), maxBatch: max(1, batch), threads: max(1, threads))
    }

    func loadClassMap() throws -> ClassMap {
        if let classMap { return try ClassMap(path: classMap) }
        let beside = URL(fileURLWithPath: weightsPath).deletingLastPathComponent()
            .appendingPathComponent("yamnet_class_map.csv").path
        return try ClassMap(path: FileManager.default.fileExists(atPath: beside) ? beside : "Weights/yamnet_class_map.csv")
    }
}

/// Reads an audio file (WAV for now; the format is detected from its content) as mono samples
/// at `sampleRate`, the channels averaged as in YAMNet's reference.
/// Decodes an audio file to what the engine hears: mono (the mean of the channels, as YAMNet's
/// reference does), resampled to `sampleRate` with the polyphase Kaiser resampler.
func readWaveform(_ path: String, sampleRate: Int = FrontendParams().sampleRate) throws -> [Float] {
    let audio = try AudioDecoder.decode(path: path)
    return try ResamplerPlan(inputRate: audio.sampleRate, outputRate: sampleRate).resample(audio.mono())
}
