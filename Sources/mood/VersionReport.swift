import Foundation
import WeightFormat

/// `mood --version`: the version, and the data files this `mood` would use from here, each with
/// its checksum as results report it (`model_versions`: the weight file's CRC-32 trailer) and,
/// for YAMNet, the SHA-256 of the HDF5 it was converted from (Scripts/fetch-weights's
/// `yamnet.bin.json`).
enum VersionReport {
    static let version = "1.1.0"

    static func text(files: DataFiles = DataFiles()) -> String {
        var lines = ["mood \(version)"]
        let yamnet = files.yamnetWeights(flag: nil)
        if let yamnet, let data = FileManager.default.contents(atPath: yamnet.path) {
            var line = "yamnet weights: \(yamnet.path) (\(yamnet.source)) \(trailer(data))"
            if let source = sourceDigest(beside: yamnet.path) { line += ", converted from sha256:\(source)" }
            lines.append(line)
        } else {
            lines.append("yamnet weights: " + (yamnet.map { "\($0.path) (\($0.source)): missing" } ?? "none in \(files.searched)"))
        }
        if let map = files.classMap(flag: nil, weights: yamnet?.path), let data = FileManager.default.contents(atPath: map.path) {
            lines.append("class map: \(map.path) (\(map.source)) crc32:\(hex(data.withUnsafeBytes { CRC32.checksum($0) }))")
        }
        if let emotion = files.emotionWeights(flag: nil, yamnet: yamnet?.path) {
            let data = FileManager.default.contents(atPath: emotion.path)
            lines.append("emotion model: \(emotion.path) (\(emotion.source)) " + (data.map(trailer) ?? "missing"))
        } else {
            lines.append("emotion model: built in \(trailer(BuiltInEmotionModel.bytes))")
        }
        return lines.joined(separator: "\n")
    }

    /// "crc32:xxxxxxxx" of a weight file: its stored trailer, which `mood` checks on loading.
    private static func trailer(_ data: Data) -> String {
        guard data.count >= 4 else { return "(not a weight file)" }
        return "crc32:" + hex(data.suffix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) })
    }

    private static func hex(_ value: UInt32) -> String { String(format: "%08x", value) }

    /// The `sha256` of `<weights>.json`, when fetch-weights wrote one.
    private static func sourceDigest(beside weights: String) -> String? {
        guard let data = FileManager.default.contents(atPath: weights + ".json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let digest = object["sha256"] as? String, digest.count == 64, digest.allSatisfy(\.isHexDigit) else { return nil }
        return digest
    }
}
