import Foundation
import Testing
@testable import AudioIO

/// What an ffmpeg run is given (issue #12): one thread, PATH and the locale only, and the address-
/// space and CPU limits — recorded by a stand-in `ffmpeg` script.
@Suite struct FFmpegContainmentTests {
    @Test func ffmpegRunsWithAScrubbedEnvironmentOneThreadAndLimits() throws {
        let directory = NSTemporaryDirectory() + "mood-ffmpeg-stand-in-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let record = directory + "/record.txt", script = directory + "/ffmpeg"
        // The limits are applied right after spawn (prlimit): read them a moment later.
        try "#!/bin/sh\nsleep 0.5\n{ env; echo \"args: $*\"; echo \"as: $(ulimit -v)\"; echo \"cpu: $(ulimit -t)\"; } > \(record)\nexit 1\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        setenv("MOOD_TEST_SECRET", "s3cret", 1)
        defer { unsetenv("MOOD_TEST_SECRET") }
        let decoder = FFmpegDecoder(executable: script, timeout: 30, maxMemoryBytes: 512 << 20)
        #expect(throws: AudioError.self) { try decoder.decode(Data("OggS".utf8) + Data(count: 100), path: "x.ogg") }
        let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n").map(String.init)
        let names = Set(lines.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        #expect(!names.contains("MOOD_TEST_SECRET") && !lines.contains { $0.contains("s3cret") })
        #expect(names.contains("PATH") || ProcessInfo.processInfo.environment["PATH"] == nil)
        #expect(lines.contains { $0.hasPrefix("args: ") && $0.contains("-threads 1") })
        #expect(lines.contains("as: \(512 << 10)"))
        #expect(lines.contains("cpu: 30"))
    }

    @Test func theEnvironmentKeepsOnlyPathAndLocale() {
        let kept = FFmpegDecoder.environment(from: ["PATH": "/bin", "LANG": "C.UTF-8", "LC_ALL": "C", "HOME": "/root",
                                                    "SUPABASE_SERVICE_ROLE_KEY": "k", "LD_PRELOAD": "/x.so"])
        #expect(kept == ["PATH": "/bin", "LANG": "C.UTF-8", "LC_ALL": "C"])
    }
}
