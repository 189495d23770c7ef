@testable import AudioIO
import Foundation
import Testing

@Suite struct FFmpegDecoderTests {
    static let ffmpeg = FFmpegDecoder.locate()

    /// A fresh temporary directory, removed by the caller.
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mood-ffmpeg-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// An executable shell script named `ffmpeg` in `dir` (the fake ffmpeg runs under /bin/sh by
    /// its #! line; the decoder itself never starts a shell).
    func fakeFFmpeg(in dir: URL, _ body: String) throws -> String {
        let url = dir.appendingPathComponent("ffmpeg")
        try ("#!/bin/sh\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    static let oggBytes: [UInt8] = Array("OggS".utf8) + [0, 2] + [UInt8](repeating: 0, count: 100)

    /// Runs `ffmpeg` (the real one) with `arguments`, failing the test if it fails.
    func runFFmpeg(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "ffmpeg \(arguments)")
    }

    /// An Ogg Vorbis file made by ffmpeg from a 1 s stereo sine WAV decodes at the source's rate
    /// and channel count, to about its length, and matches it within 30 dB SNR.
    @Test(.enabled(if: ffmpeg != nil, "ffmpeg is not on PATH (apt-get install -y ffmpeg)"))
    func oggVorbisMatchesItsSource() throws {
        let ffmpeg = try #require(Self.ffmpeg)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rate = 48000, n = 48000
        let source = (0..<n).flatMap { (i: Int) -> [Float] in
            let t = 2 * Double.pi * Double(i) / Double(rate)
            return [Float(0.5 * sin(440 * t)), Float(0.3 * sin(660 * t))]
        }
        let wav = dir.appendingPathComponent("sine.wav"), ogg = dir.appendingPathComponent("sine.ogg")
        try Data(WAVWriter.float32(samples: source, sampleRate: rate, channels: 2)).write(to: wav)
        try runFFmpeg(ffmpeg.executable, ["-i", wav.path, "-c:a", "libvorbis", "-q:a", "6", ogg.path])
        let audio = try AudioDecoder.decode(path: ogg.path, ffmpeg: ffmpeg)
        #expect(audio.sampleRate == rate && audio.channels == 2)
        #expect(audio.frames <= n && audio.frames >= n - 2048, "\(audio.frames) frames")
        let count = min(audio.samples.count, source.count)
        var signal = 0.0, noise = 0.0
        for i in 0..<count {
            signal += Double(source[i]) * Double(source[i])
            noise += pow(Double(source[i]) - Double(audio.samples[i]), 2)
        }
        let snr = 10 * log10(signal / noise)
        #expect(snr > 30, "SNR \(snr) dB")
        // Other containers by content: a mono 22.05 kHz M4A (AAC) and WebM (Opus resamples to 48 kHz).
        let m4a = dir.appendingPathComponent("x.data"), webm = dir.appendingPathComponent("y.data")
        try runFFmpeg(ffmpeg.executable, ["-i", wav.path, "-ac", "1", "-ar", "22050", "-c:a", "aac", "-f", "mp4", m4a.path])
        try runFFmpeg(ffmpeg.executable, ["-i", wav.path, "-c:a", "libopus", "-f", "webm", webm.path])
        let aac = try AudioDecoder.decode(path: m4a.path, ffmpeg: ffmpeg)
        #expect(AudioFormat.detect(try Data(contentsOf: m4a)) == .mp4 && aac.sampleRate == 22050 && aac.channels == 1)
        #expect(abs(aac.frames - 22050) < 2048, "\(aac.frames) AAC frames")
        let opus = try AudioDecoder.decode(path: webm.path, ffmpeg: ffmpeg)
        #expect(AudioFormat.detect(try Data(contentsOf: webm)) == .webm && opus.sampleRate == 48000 && opus.channels == 2)
        // Streamed (ffmpeg's output read as it comes) equals decoded whole, bit for bit.
        for (file, whole) in [(ogg, audio), (m4a, aac), (webm, opus)] {
            let stream = try AudioStream(path: file.path, ffmpeg: ffmpeg)
            var samples: [Float] = []
            while let chunk = try stream.next() {
                #expect(chunk.samples.count <= 1 << 15)            // under 128 KiB of float32 output
                samples += chunk.samples
            }
            #expect(stream.sampleRate == whole.sampleRate && stream.channels == whole.channels && samples == whole.samples,
                    "\(file.lastPathComponent)")
        }
    }

    /// The timeout counts the time spent waiting for ffmpeg: a reader that takes its time between
    /// chunks is not stopped, a silent ffmpeg is.
    @Test func theTimeoutCountsOnlyWaitingForFFmpeg() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = "RIFF\\377\\377\\377\\377WAVEfmt \\020\\0\\0\\0\\3\\0\\1\\0\\200\\76\\0\\0\\0\\372\\0\\0\\4\\0\\40\\0"
            + "data\\377\\377\\377\\377"
        let input = dir.appendingPathComponent("upload.bin").path
        try Data("not audio to us".utf8).write(to: URL(fileURLWithPath: input))
        let steady = try fakeFFmpeg(in: dir, "printf '\(header)'; head -c 400000 /dev/zero")
        let stream = try AudioStream(path: input, ffmpeg: FFmpegDecoder(executable: steady, timeout: 0.5))
        var frames = 0
        while let chunk = try stream.next() {
            frames += chunk.frames
            usleep(100_000)                                         // 0.1 s a chunk, 0.6 s in all
        }
        #expect(frames == 100_000 && stream.sampleRate == 16000)
        let silent = try fakeFFmpeg(in: dir, "printf '\(header)'; sleep 30")
        let start = Date()
        #expect(throws: AudioStreamError.audio(.ffmpegTimedOut(path: input, seconds: 0.5))) {
            let stream = try AudioStream(path: input, ffmpeg: FFmpegDecoder(executable: silent, timeout: 0.5))
            while try stream.next() != nil {}
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// Content ffmpeg cannot read is a typed failure naming the caller's path, not the temporary copy.
    @Test(.enabled(if: ffmpeg != nil, "ffmpeg is not on PATH (apt-get install -y ffmpeg)"))
    func undecodableContentIsAnFFmpegFailure() throws {
        let ffmpeg = try #require(Self.ffmpeg)
        for (bytes, format) in [(Self.oggBytes, AudioFormat.ogg), (Array("just some text, not audio".utf8), .unknown)] {
            do {
                _ = try AudioDecoder.decode(bytes, path: "upload.bin", ffmpeg: ffmpeg)
                Issue.record("\(format) decoded")
            } catch {
                guard case .ffmpegFailed(let path, let reason) = error else { Issue.record("\(error)"); continue }
                #expect(path == "upload.bin" && !reason.isEmpty && !reason.contains("mood-ffmpeg-"), "\(reason)")
                #expect(error.description.hasPrefix("ffmpeg could not decode upload.bin: "))
            }
        }
    }

    @Test func aSleepingFFmpegIsKilledAtTheTimeout() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // One that is replaced by sleep, and one whose sleeping child keeps the pipes open.
        for body in ["exec sleep 30", "sleep 30\necho done"] {
            let decoder = FFmpegDecoder(executable: try fakeFFmpeg(in: dir, body), timeout: 0.5)
            let start = Date()
            #expect(throws: AudioError.ffmpegTimedOut(path: "slow.ogg", seconds: 0.5)) {
                try AudioDecoder.decode(Self.oggBytes, path: "slow.ogg", ffmpeg: decoder)
            }
            #expect(Date().timeIntervalSince(start) < 5, "\(body)")
        }
        #expect(AudioError.ffmpegTimedOut(path: "slow.ogg", seconds: 0.5).description
                == "ffmpeg took longer than 0.5 s to decode slow.ogg and was stopped")
        #expect(AudioError.ffmpegTimedOut(path: "a", seconds: 120).description == "ffmpeg took longer than 120 s to decode a and was stopped")
    }

    @Test func endlessOutputStopsAtTheCap() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let decoder = FFmpegDecoder(executable: try fakeFFmpeg(in: dir, "exec cat /dev/zero"), timeout: 20, maxSamples: 100_000)
        let start = Date()
        #expect(throws: AudioError.decodedTooLarge(path: "big.ogg", limit: 100_000)) {
            try AudioDecoder.decode(Self.oggBytes, path: "big.ogg", ffmpeg: decoder)
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    /// A fake ffmpeg that checks its arguments and writes a WAV: the output is decoded, the
    /// arguments arrive unchanged (no shell), and failures carry ffmpeg's last message line.
    @Test func argumentsOutputAndFailures() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wav = dir.appendingPathComponent("out.wav"), log = dir.appendingPathComponent("args.txt")
        try Data(WAVWriter.float32(samples: [0.5, -0.25, 0.125, 1], sampleRate: 11025, channels: 2)).write(to: wav)
        let script = """
        for a in "$@"; do printf '%s\\n' "$a"; done > '\(log.path)'
        for a in "$@"; do case "$a" in file:*) cmp -s "${a#file:}" '\(dir.path)/expected' || exit 3;; esac; done
        exec cat '\(wav.path)'
        """
        let bytes = Array("FORM".utf8) + [0, 0, 0, 4] + Array("AIFF".utf8) + Array("$(touch /tmp/x); `id`".utf8)
        try Data(bytes).write(to: dir.appendingPathComponent("expected"))
        let decoder = FFmpegDecoder(executable: try fakeFFmpeg(in: dir, script))
        let audio = try AudioDecoder.decode(bytes, path: "song; rm -rf x.aiff", ffmpeg: decoder)
        #expect(audio == DecodedAudio(samples: [0.5, -0.25, 0.125, 1], sampleRate: 11025, channels: 2))
        let arguments = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let input = try #require(arguments.first { $0.hasPrefix("file:") })
        #expect(arguments == FFmpegDecoder.arguments(input: String(input.dropFirst(5)), format: .aiff))
        #expect(Array(arguments.prefix(4)) == ["-nostdin", "-hide_banner", "-loglevel", "error"])
        #expect(arguments.contains("-f") && arguments.contains("aiff") && !arguments.contains { $0.contains("song") })
        #expect(!FileManager.default.fileExists(atPath: String(input.dropFirst(5))), "the temporary copy is removed")
        // Unknown content is probed, but only as a listed demuxer.
        let unknown = FFmpegDecoder.arguments(input: "/t/input", format: .unknown)
        let whitelist = try #require(unknown.firstIndex(of: "-format_whitelist").map { unknown[$0 + 1].split(separator: ",") })
        #expect(whitelist.contains("ogg") && !whitelist.contains("hls") && !whitelist.contains("concat"))
        #expect(unknown.firstIndex(of: "-f") == unknown.lastIndex(of: "-f"), "only the output format is forced")

        let failing = FFmpegDecoder(executable: try fakeFFmpeg(in: dir, """
        echo "first line" >&2
        for a in "$@"; do case "$a" in file:*) echo "$a: Invalid data found when processing input" >&2;; esac; done
        exit 1
        """))
        #expect(throws: AudioError.ffmpegFailed(path: "clip.ogg", reason: "clip.ogg: Invalid data found when processing input")) {
            try AudioDecoder.decode(Self.oggBytes, path: "clip.ogg", ffmpeg: failing)
        }
        let silent = FFmpegDecoder(executable: try fakeFFmpeg(in: dir, "exit 7"))
        #expect(throws: AudioError.ffmpegFailed(path: "clip.ogg", reason: "ffmpeg exited with status 7")) {
            try AudioDecoder.decode(Self.oggBytes, path: "clip.ogg", ffmpeg: silent)
        }
        let empty = FFmpegDecoder(executable: try fakeFFmpeg(in: dir, "exit 0"))
        #expect(throws: AudioError.ffmpegFailed(path: "clip.ogg", reason: "it wrote no audio")) {
            try AudioDecoder.decode(Self.oggBytes, path: "clip.ogg", ffmpeg: empty)
        }
        let missing = FFmpegDecoder(executable: dir.appendingPathComponent("nope").path)
        do {
            _ = try AudioDecoder.decode(Self.oggBytes, path: "clip.ogg", ffmpeg: missing)
            Issue.record("a missing executable ran")
        } catch {
            guard case .ffmpegFailed(_, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.hasPrefix("cannot run "))
        }
    }

    /// Without ffmpeg on the search path the fallback is off: the unsupported-format error, with
    /// its install hint. WAV, FLAC and MP3 never go to ffmpeg.
    @Test func withoutFFmpegFormatsAreUnsupported() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(FFmpegDecoder.locate(searchPath: dir.path + ":/nonexistent:") == nil)
        #expect(FFmpegDecoder.locate(searchPath: "") == nil)
        let fake = try fakeFFmpeg(in: dir, "exit 1")
        #expect(FFmpegDecoder.locate(searchPath: "/nonexistent:" + dir.path) == FFmpegDecoder(executable: fake))
        #expect(FFmpegDecoder.locate(searchPath: "relative/dir:.") == nil)
        let none = FFmpegDecoder.locate(searchPath: "/nonexistent")
        #expect(none == nil)
        for (format, bytes) in AudioFormatTests.samples where !bytes.isEmpty && [.ogg, .mp4, .webm, .aiff, .unknown].contains(format) {
            #expect(throws: AudioError.unsupportedFormat(path: "x", format: format)) {
                try AudioDecoder.decode(bytes, path: "x", ffmpeg: none)
            }
        }
        #expect(AudioError.unsupportedFormat(path: "x", format: .ogg).description
                == "unsupported format Ogg: upload WAV, FLAC or MP3, or install ffmpeg")
        #expect([AudioFormat.wav, .flac, .mp3].allSatisfy { !FFmpegDecoder.handles($0) })
        #expect([AudioFormat.ogg, .mp4, .webm, .aiff, .unknown].allSatisfy { FFmpegDecoder.handles($0) })
    }
}
