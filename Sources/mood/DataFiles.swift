import Foundation

/// Where `mood` finds its data files, wherever it is run from. YAMNet's weights, in order:
/// `--weights`, `$MOOD_YAMNET_WEIGHTS`, `<exe>/../share/mood/`, `$XDG_DATA_HOME/mood/` (default
/// `~/.local/share/mood/`), then `Weights/` under the current directory (a checkout). The class
/// map is read beside the weights found, else from the same directories; the emotion model from
/// `--emotion-weights`, `$MOOD_EMOTION_WEIGHTS`, beside the YAMNet weights, else the copy
/// embedded in the binary at build time (EmbedEmotionModel).
struct DataFiles {
    var environment: [String: String] = ProcessInfo.processInfo.environment
    var executable: String? = DataFiles.executablePath()

    /// A data file and where it was found ("--weights", "$MOOD_YAMNET_WEIGHTS", "share", "xdg", "checkout").
    struct Found: Equatable {
        var path: String
        var source: String
    }

    /// The implicit places, in order: (directory, source).
    var directories: [(path: String, source: String)] {
        var out: [(String, String)] = []
        if let executable {
            let bin = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            out.append((bin.deletingLastPathComponent().appendingPathComponent("share/mood").path, "share"))
        }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            out.append((xdg + "/mood", "xdg"))
        } else if let home = environment["HOME"], !home.isEmpty {
            out.append((home + "/.local/share/mood", "xdg"))
        }
        out.append(("Weights", "checkout"))
        return out
    }

    /// YAMNet's weights: an explicit choice (flag, then environment) whether or not it exists,
    /// else the first implicit place holding `yamnet.bin`; nil when none does.
    func yamnetWeights(flag: String?) -> Found? {
        if let flag { return Found(path: flag, source: "--weights") }
        if let path = environment["MOOD_YAMNET_WEIGHTS"], !path.isEmpty { return Found(path: path, source: "$MOOD_YAMNET_WEIGHTS") }
        return find("yamnet.bin")
    }

    /// The class map: beside `weights`, else the first implicit place holding it.
    func classMap(flag: String?, weights: String?) -> Found? {
        if let flag { return Found(path: flag, source: "--class-map") }
        if let weights, let beside = Self.beside(weights, "yamnet_class_map.csv") { return Found(path: beside, source: "beside the weights") }
        return find("yamnet_class_map.csv")
    }

    /// The emotion model's file; nil means the embedded copy.
    func emotionWeights(flag: String?, yamnet: String?) -> Found? {
        if let flag { return Found(path: flag, source: "--emotion-weights") }
        if let path = environment["MOOD_EMOTION_WEIGHTS"], !path.isEmpty { return Found(path: path, source: "$MOOD_EMOTION_WEIGHTS") }
        if let yamnet, let beside = Self.beside(yamnet, "emotion.bin") { return Found(path: beside, source: "beside the weights") }
        return nil
    }

    /// Where the implicit places are, for messages.
    var searched: String { directories.map(\.path).joined(separator: ", ") }

    private func find(_ name: String) -> Found? {
        directories.lazy.map { Found(path: $0.path + "/" + name, source: $0.source) }
            .first { FileManager.default.isReadableFile(atPath: $0.path) }
    }

    private static func beside(_ file: String, _ name: String) -> String? {
        let path = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(name).path
        return FileManager.default.isReadableFile(atPath: path) ? path : nil
    }

    /// This process's executable (Linux: /proc/self/exe; elsewhere Foundation's answer).
    static func executablePath() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath
    }
}
