import Foundation
import TestSupport

// hostile-corpus DIR: writes the hostile-input corpus (`HostileFiles`) and its index.tsv into DIR,
// and the golden tests' seeded YAMNet weights as DIR/seeded-yamnet.bin (for runs without the
// official weights: the same network shape, so the same cost).
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: hostile-corpus DIR\n".utf8))
    exit(2)
}
do {
    let directory = URL(fileURLWithPath: CommandLine.arguments[1])
    let paths = try HostileFiles.write(to: directory)
    let weights = directory.appendingPathComponent("seeded-yamnet.bin")
    try? FileManager.default.removeItem(at: weights)
    try FileManager.default.copyItem(atPath: SeededWeights.goldenFile, toPath: weights.path)
    print("hostile-corpus: \(paths.count) files and seeded-yamnet.bin in \(directory.path)")
} catch {
    FileHandle.standardError.write(Data("hostile-corpus: \(error)\n".utf8))
    exit(1)
}
