import AudioIO
import Analysis
import ArgumentParser
import DSP
import Emotion
import Foundation
import YAMNet

/// Options shared by the commands that run YAMNet.
struct ModelOptions: ParsableArguments {
    @Option(help: "YAMNet weight file (format v1). Default: $MOOD_YAMNET_WEIGHTS, else yamnet.bin in <exe>/../share/mood/, $XDG_DATA_HOME/mood/ (~/.local/share/mood/), ./Weights/.")
    var weights: String?

    @Option(help: "Class map CSV. Default: yamnet_class_map.csv beside the weights, else in the same places.")
    var classMap: String?

    @Option(help: "Emotion model weight file. Default: $MOOD_EMOTION_WEIGHTS, else emotion.bin beside the YAMNet weights, else the copy built into mood.")
    var emotionWeights: String?

    @Flag(help: "Run without YAMNet: the emotion model uses the acoustic features alone.")
    var noYamnet = false

    @Option(help: "Threads for inference.")
    var threads: Int = 1

    /// 8 rather than 32: the same CPU time (BENCHMARKS.md, cold start), a quarter of the run state
    /// (a 10 s clip's peak RSS 5 MiB lower, each worker slot's buffers 3.6 → 0.9 M floats).
    @Option(help: "Patches per network batch (memory grows linearly with it).")
    var batch: Int = 8

    private var files: DataFiles { DataFiles() }

    /// The YAMNet weight file to use, if one is named or found.
    var yamnetWeights: DataFiles.Found? { files.yamnetWeights(flag: weights) }

    /// The YAMNet weights found, mapped once; every runner of the process shares them.
    func loadWeights() throws -> YAMNet.Weights {
        guard let found = yamnetWeights, FileManager.default.fileExists(atPath: found.path) else {
            throw MoodError("YAMNet weights not found at \(yamnetWeights?.path ?? "any of " + files.searched): run Scripts/fetch-weights to download and convert the official weights, or pass --weights PATH")
        }
        OpenBLASPool.stop()          // YAMNet runs OpenBLAS on one thread
        return try YAMNet.Weights(path: found.path)
    }

    /// One YAMNet runner (its own buffers) over freshly loaded weights.
    func loadModel() throws -> YAMNet {
        try YAMNet(weights: loadWeights(), maxBatch: max(1, batch), threads: max(1, threads))
    }

    /// The analyzer of a single caller (`loadAnalyzers(slots: 1)`).
    func loadAnalyzer() throws -> MoodAnalyzer {
        try loadAnalyzers(slots: 1)[0]
    }

    /// One analyzer per slot (a job in flight), `threads` divided between them: the YAMNet
    /// weights, class map and emotion model are loaded once and shared; each analyzer gets its own
    /// YAMNet runner. YAMNet is used when its weights are found (an explicit --weights or
    /// $MOOD_YAMNET_WEIGHTS that is missing is an error; none found means running without it,
    /// said on stderr and in each result's warnings). The emotion model is the file named or found
    /// beside the weights, else the built-in copy.
    func loadAnalyzers(slots: Int) throws -> [MoodAnalyzer] {
        let slots = max(1, slots)
        var weights: YAMNet.Weights?, classes: ClassMap?
        let found = yamnetWeights
        if !noYamnet, found != nil {
            let loaded = try loadWeights(), map = try loadClassMap()
            guard map.displayNames.count == loaded.params.numClasses else {
                throw MoodError("class map has \(map.displayNames.count) classes, the model \(loaded.params.numClasses)")
            }
            (weights, classes) = (loaded, map)
        } else if !noYamnet {
            FileHandle.standardError.write(Data("note: no YAMNet weights in \(files.searched) (Scripts/fetch-weights): running without sound classification\n".utf8))
        }
        let emotion: EmotionModel
        if let file = files.emotionWeights(flag: emotionWeights, yamnet: found?.path) {
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw MoodError("emotion model not found at \(file.path) (\(file.source)); without it mood uses its built-in copy")
            }
            emotion = try EmotionModel(path: file.path)
        } else {
            emotion = try BuiltInEmotionModel.load()
        }
        let perSlot = max(1, threads / slots)
        return try (0..<slots).map { _ in
            let runner = try weights.map { try YAMNet(weights: $0, maxBatch: max(1, batch), threads: perSlot) }
            return MoodAnalyzer(yamnet: runner, classes: classes, emotion: emotion)
        }
    }

    func loadClassMap() throws -> ClassMap {
        guard let found = files.classMap(flag: classMap, weights: yamnetWeights?.path) else {
            throw MoodError("class map yamnet_class_map.csv not found beside the weights nor in \(files.searched): pass --class-map PATH")
        }
        return try ClassMap(path: found.path)
    }
}

/// Limits on the audio files a command reads (`AudioLimits`), for commands that take many or long files.
struct InputLimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Refuse files larger than this (2 GiB by default).", valueName: "bytes"))
    var maxBytes: Int = AudioLimits().maxBytes

    @Option(help: ArgumentHelp("Refuse audio longer than this (4 hours by default).", valueName: "seconds"))
    var maxDuration: Double = AudioLimits().maxSeconds

    var limits: AudioLimits { AudioLimits(maxBytes: maxBytes, maxSeconds: maxDuration) }

    func validate() throws {
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive") }
        guard maxDuration > 0 else { throw ValidationError("--max-duration must be positive") }
    }

    /// `error`'s message; for a limit, with the option that raises it.
    func message(_ error: any Error) -> String {
        switch error as? AudioStreamError {
        case .audio(.tooLarge)?: "\(error) (raise the limit with --max-bytes BYTES)"
        case .tooLong?: "\(error) (raise the limit with --max-duration SECONDS)"
        default: "\(error)"
        }
    }
}
