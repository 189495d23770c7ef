import Emotion
import Foundation
import Testing
import TestSupport
@testable import mood

/// Where `mood` finds its data (DataFiles), the emotion model built into it, and `--version`.
@Suite struct DataFilesTests {
    static let root = MoodJobAnalyzerTests.root

    /// A fresh directory tree: <tmp>/prefix/bin/mood (the "executable"), share/mood, xdg/mood, home.
    struct Tree {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mood-data-\(UUID().uuidString)")
        var share: String { base.path + "/prefix/share/mood" }
        var xdg: String { base.path + "/xdg/mood" }
        var executable: String { base.path + "/prefix/bin/mood" }

        init() throws {
            for directory in [share, xdg, base.path + "/prefix/bin", base.path + "/home"] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }

        func put(_ directory: String, _ name: String) -> String {
            let path = directory + "/" + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            return path
        }

        func files(_ environment: [String: String] = [:]) -> DataFiles {
            DataFiles(environment: environment, executable: executable)
        }
    }

    @Test func yamnetSearchOrder() throws {
        let tree = try Tree()
        defer { try? FileManager.default.removeItem(at: tree.base) }
        let env = ["XDG_DATA_HOME": tree.base.path + "/xdg", "HOME": tree.base.path + "/home"]
        #expect(tree.files(env).yamnetWeights(flag: nil) == nil || tree.files(env).yamnetWeights(flag: nil)?.source == "checkout")
        let inXDG = tree.put(tree.xdg, "yamnet.bin")
        #expect(tree.files(env).yamnetWeights(flag: nil) == .init(path: inXDG, source: "xdg"))
        let inShare = tree.put(tree.share, "yamnet.bin")
        #expect(tree.files(env).yamnetWeights(flag: nil) == .init(path: inShare, source: "share"))
        var withVariable = env
        withVariable["MOOD_YAMNET_WEIGHTS"] = "/nowhere/yamnet.bin"         // named: used even if missing (an error later)
        #expect(tree.files(withVariable).yamnetWeights(flag: nil) == .init(path: "/nowhere/yamnet.bin", source: "$MOOD_YAMNET_WEIGHTS"))
        #expect(tree.files(withVariable).yamnetWeights(flag: "/flag.bin") == .init(path: "/flag.bin", source: "--weights"))
    }

    /// Without $XDG_DATA_HOME: ~/.local/share/mood (XDG Base Directory's default).
    @Test func xdgDefaultsUnderHome() throws {
        let tree = try Tree()
        defer { try? FileManager.default.removeItem(at: tree.base) }
        let dirs = tree.files(["HOME": "/home/someone"]).directories.map(\.path)
        #expect(dirs == [tree.share, "/home/someone/.local/share/mood", "Weights"])
    }

    @Test func classMapAndEmotionModelBesideTheWeights() throws {
        let tree = try Tree()
        defer { try? FileManager.default.removeItem(at: tree.base) }
        let files = tree.files(["HOME": tree.base.path + "/home"])
        let weights = tree.put(tree.xdg, "yamnet.bin")
        #expect(files.emotionWeights(flag: nil, yamnet: weights) == nil)           // the built-in copy
        let emotion = tree.put(tree.xdg, "emotion.bin")
        #expect(files.emotionWeights(flag: nil, yamnet: weights) == .init(path: emotion, source: "beside the weights"))
        let map = tree.put(tree.share, "yamnet_class_map.csv")
        #expect(files.classMap(flag: nil, weights: weights) == .init(path: map, source: "share"))
        let beside = tree.put(tree.xdg, "yamnet_class_map.csv")
        #expect(files.classMap(flag: nil, weights: weights) == .init(path: beside, source: "beside the weights"))
    }

    /// The build embeds Weights/emotion.bin as it is now, and it loads.
    @Test func builtInEmotionModelIsTheRepositorysFile() throws {
        let file = try Data(contentsOf: Self.root.appendingPathComponent("Weights/emotion.bin"))
        #expect(BuiltInEmotionModel.bytes == file)
        let model = try BuiltInEmotionModel.load()
        #expect(model.checksum == (try EmotionModel(path: Self.root.appendingPathComponent("Weights/emotion.bin").path)).checksum)
    }

    @Test func versionNamesEachFileWithItsChecksum() throws {
        let tree = try Tree()
        defer { try? FileManager.default.removeItem(at: tree.base) }
        let source = Self.root.appendingPathComponent("Weights/emotion.bin").path
        try FileManager.default.copyItem(atPath: source, toPath: tree.share + "/yamnet.bin")   // any weight file
        let digest = String(repeating: "ab", count: 32)
        #expect(FileManager.default.createFile(atPath: tree.share + "/yamnet.bin.json", contents: Data("{\"sha256\": \"\(digest)\"}".utf8)))
        let text = VersionReport.text(files: tree.files(["HOME": tree.base.path + "/home"]))
        let crc = try EmotionModel(path: source).checksum
        let hex = String(format: "%08x", crc)
        #expect(text.hasPrefix("mood \(VersionReport.version)\n"))
        #expect(text.contains("yamnet weights: \(tree.share)/yamnet.bin (share) crc32:\(hex), converted from sha256:\(digest)"))
        #expect(text.contains("emotion model: built in crc32:\(hex)"))
    }
}
