import AudioIO
import Foundation

/// A run's settings, from the environment:
/// - `MOOD_FUZZ_INPUTS`: inputs to run (default 20000, the floor for CI);
/// - `MOOD_FUZZ_FIRST`: the first input's index (default 0), to rerun one input alone;
/// - `MOOD_FUZZ_SEED`: the run seed (decimal or 0x-hex; default fixed, so every run is the same);
/// - `MOOD_FUZZ_DEADLINE`: wall-clock seconds one input may take on its three paths together
///   (default 30: a release build spends at most ~1.2 s of CPU on any input — 60 s of 6-channel
///   audio decoded twice and analysed — and a loaded CI machine may stretch that several times);
/// - `MOOD_FUZZ_DIR`: where the current input and reproducers are written (default .build/fuzz);
/// - `MOOD_FUZZ_YAMNET`: 0 to analyse without YAMNet (default 1: with the seeded test weights).
struct FuzzConfiguration {
    var inputs = 20_000
    var first = 0
    var runSeed: UInt64 = 0x4D4F_4F44
    var deadline = 30.0
    var yamnet = true
    /// The repository, found from this file's path.
    var root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var directory: URL
    /// The stream's limits: 512 KiB and a minute, small enough for mutated files (the largest
    /// are streams of constant FLAC frames, up to ~600 KB) and rates to reach.
    var limits = AudioLimits(maxBytes: 512 << 10, maxSeconds: 60)
    /// The most samples the whole-file path may decode (64 MiB of floats).
    var maxSamples = 1 << 24

    init(environment: [String: String]) throws {
        directory = root.appendingPathComponent(".build/fuzz")
        func number(_ name: String) throws -> UInt64? {
            guard let text = environment[name] else { return nil }
            let value = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            guard let value else { throw FuzzError("\(name)=\(text) is not a number") }
            return value
        }
        if let n = try number("MOOD_FUZZ_INPUTS") { inputs = Int(n) }
        if let n = try number("MOOD_FUZZ_FIRST") { first = Int(n) }
        if let n = try number("MOOD_FUZZ_SEED") { runSeed = n }
        if let text = environment["MOOD_FUZZ_DEADLINE"] {
            guard let seconds = Double(text), seconds > 0 else { throw FuzzError("MOOD_FUZZ_DEADLINE=\(text) is not a positive number") }
            deadline = seconds
        }
        if let path = environment["MOOD_FUZZ_DIR"] { directory = URL(fileURLWithPath: path) }
        if let n = try number("MOOD_FUZZ_YAMNET") { yamnet = n != 0 }
    }

    /// The command that rebuilds and runs input `index` alone.
    func rerun(_ index: Int) -> String {
        "MOOD_FUZZ_SEED=\(hex(runSeed)) MOOD_FUZZ_FIRST=\(index) MOOD_FUZZ_INPUTS=1 Scripts/fuzz"
    }
}

struct FuzzError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
