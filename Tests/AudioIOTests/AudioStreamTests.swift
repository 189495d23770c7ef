@testable import AudioIO
import Foundation
import Testing
import TestSupport

/// `AudioStream` delivers what `AudioDecoder` decodes, WAV in 64 KiB blocks, within its limits.
@Suite struct AudioStreamTests {
    /// A directory for one test's files, removed with it.
    final class Scratch {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mood-stream-\(UUID().uuidString)")

        init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: directory) }

        func write(_ bytes: [UInt8], _ name: String = "clip.wav") throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
    }

    static let unlimited = AudioLimits(maxBytes: .max, maxSeconds: .infinity)

    /// Every chunk of `path`'s stream, checked to be whole frames of at most 64 KiB of samples.
    static func chunks(_ path: String, limits: AudioLimits = unlimited) throws(AudioStreamError) -> (AudioStream, [Float]) {
        let stream = try AudioStream(path: path, limits: limits, ffmpeg: nil)
        var samples: [Float] = []
        while let chunk = try stream.next() {
            #expect(chunk.sampleRate == stream.sampleRate && chunk.channels == stream.channels)
            #expect(!chunk.samples.isEmpty && chunk.samples.count % chunk.channels == 0 && chunk.samples.count <= 1 << 16)
            samples += chunk.samples
        }
        return (stream, samples)
    }

    /// 16-bit samples, a different value at each position.
    static func s16(_ count: Int) -> [UInt8] { WAVFile.s16((0..<count).map { Int16(truncatingIfNeeded: $0 &* 7919) }) }

    @Test func wavStreamsEqualWholeFileDecoding() throws {
        let scratch = try Scratch()
        let ds64 = WAVFile.chunk("ds64", WAVFile.le(UInt64(0)) + WAVFile.le(UInt64(2 * 90_001))
                                 + WAVFile.le(UInt64(0)) + WAVFile.le(UInt32(0)))
        let files: [(String, [UInt8])] = [
            ("16-bit stereo, odd LIST chunk", WAVFile.simple(code: 1, channels: 2, rate: 44100, bits: 16, payload: Self.s16(2 * 70_001))),
            ("24-bit mono", WAVFile.simple(code: 1, bits: 24, payload: (0..<3 * 50_001).map { UInt8(truncatingIfNeeded: $0 &* 31) })),
            ("8-bit, 5 channels", WAVFile.simple(code: 1, channels: 5, bits: 8, payload: (0..<5 * 30_000).map { UInt8(truncatingIfNeeded: $0) })),
            ("float32, 3 channels", WAVWriter.float32(samples: (0..<3 * 40_000).map { Float($0 % 1000) / 1000 - 0.5 },
                                                      sampleRate: 48000, channels: 3)),
            ("RF64, size in ds64", WAVFile.file(ds64, WAVFile.fmt(code: 1, channels: 1, bits: 16),
                                                Array("data".utf8) + WAVFile.le(UInt32.max) + Self.s16(90_001)
                                                + WAVFile.chunk("LIST", [1, 2]), magic: "RF64", size: .max)),
            ("data size 0, half a frame at the end", WAVFile.file(WAVFile.fmt(code: 1, channels: 2, bits: 16),
                                                                  Array("data".utf8) + WAVFile.le(UInt32(0)) + Self.s16(2 * 40_000 + 1))),
        ]
        for (label, bytes) in files {
            let path = try scratch.write(bytes)
            let whole = try AudioDecoder.decode(path: path)
            let (stream, samples) = try Self.chunks(path)
            #expect(samples == whole.samples, "\(label)")
            #expect(stream.sampleRate == whole.sampleRate && stream.channels == whole.channels, "\(label)")
            #expect(stream.expectedFrames == whole.frames && stream.framesRead == whole.frames, "\(label)")
        }
    }

    /// Header scans through `FileBytes` agree with scans in memory: every prefix and 500 mutations
    /// of the decoder's fuzz seeds give the same samples or the same error either way.
    @Test func streamsAgreeWithTheDecoderOnBrokenFiles() throws {
        let scratch = try Scratch()
        func compare(_ bytes: [UInt8]) throws {
            let path = try scratch.write(bytes)
            let expected = Result { () throws(AudioError) in try AudioDecoder.decode(bytes, path: path, ffmpeg: nil).samples }
            let streamed = Result { () throws(AudioStreamError) in try Self.chunks(path).1 }
            switch (expected, streamed) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(AudioStreamError.audio(a) == b)
            default: Issue.record("\(bytes): decoder \(expected), stream \(streamed)")
            }
        }
        for seed in WAVDecoderTests.fuzzSeeds {
            for length in 0...seed.count { try compare(Array(seed.prefix(length))) }
        }
        var rng = SplitMix64(state: 0xF11E)
        for i in 0..<500 {
            var bytes = WAVDecoderTests.fuzzSeeds[i % WAVDecoderTests.fuzzSeeds.count]
            let index = Int.random(in: 0..<min(48, bytes.count), using: &rng)
            bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            try compare(bytes)
        }
    }

    @Test func limitsAreCheckedFromTheHeader() throws {
        let scratch = try Scratch()
        let bytes = WAVFile.simple(code: 1, bits: 16, payload: Self.s16(32_000))       // 2 s at 16 kHz
        let path = try scratch.write(bytes)
        #expect(throws: AudioStreamError.tooLong(path: path, seconds: 2, limit: 1.5)) {
            try AudioStream(path: path, limits: AudioLimits(maxSeconds: 1.5))
        }
        #expect(throws: AudioStreamError.audio(.tooLarge(path: path, limit: bytes.count - 1))) {
            try AudioStream(path: path, limits: AudioLimits(maxBytes: bytes.count - 1))
        }
        #expect(try Self.chunks(path, limits: AudioLimits(maxBytes: bytes.count, maxSeconds: 2)).1.count == 32_000)
        #expect(AudioStreamError.tooLong(path: "a.wav", seconds: 18000, limit: 14400).description
                == "a.wav lasts 18000 s (5:00:00), over the duration limit of 14400 s (4:00:00)")
        #expect(AudioStreamError.tooLong(path: "a.wav", seconds: 3.25, limit: 3).description
                == "a.wav lasts 3.25 s, over the duration limit of 3 s")
    }

    /// A data chunk that runs to the end of a file still being written is read to its end as it
    /// is then, and the limits stop it.
    @Test func limitsAreEnforcedWhileStreaming() throws {
        let scratch = try Scratch()
        let start = WAVFile.file(WAVFile.fmt(code: 1, channels: 1, bits: 16),
                                 Array("data".utf8) + WAVFile.le(UInt32.max) + Self.s16(16_000))   // 1 s
        for limits in [AudioLimits(maxSeconds: 1.5), AudioLimits(maxBytes: start.count + 20_000)] {
            let path = try scratch.write(start)
            let stream = try AudioStream(path: path, limits: limits)
            #expect(stream.expectedFrames == 16_000)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Self.s16(16_000))                                       // 1 s more
            try handle.close()
            let expected: AudioStreamError = limits.maxSeconds == 1.5
                ? .tooLong(path: path, seconds: 2, limit: 1.5) : .audio(.tooLarge(path: path, limit: start.count + 20_000))
            #expect(throws: expected) { while try stream.next() != nil {} }
        }
    }

    @Test func otherFormatsAndUnreadableFilesGiveTheDecodersErrors() throws {
        let scratch = try Scratch()
        for (name, bytes) in [("notes.txt", Array("not audio".utf8)), ("empty.wav", [])] {
            let path = try scratch.write(bytes, name)
            let expected = Result { () throws(AudioError) in try AudioDecoder.decode(path: path, ffmpeg: nil) }
            guard case .failure(let error) = expected else { Issue.record("\(name) decoded"); continue }
            #expect(throws: AudioStreamError.audio(error)) { try AudioStream(path: path, ffmpeg: nil) }
        }
        let missing = scratch.directory.appendingPathComponent("missing.wav").path
        #expect(throws: AudioStreamError.audio(.unreadable(path: missing, reason: "no such file or directory"))) {
            try AudioStream(path: missing)
        }
        #expect(throws: AudioStreamError.audio(.unreadable(path: scratch.directory.path, reason: "is a directory"))) {
            try AudioStream(path: scratch.directory.path)
        }
    }

    @Test func formatsAreDetectedFromFilesPastLargeTags() throws {
        let scratch = try Scratch()
        func tag(_ size: Int) -> [UInt8] {
            Array("ID3".utf8) + [4, 0, 0] + [21, 14, 7, 0].map { UInt8(size >> $0 & 0x7F) } + [UInt8](repeating: 0, count: size)
        }
        let frame: [UInt8] = [0xFF, 0xFB, 0x90, 0x00] + [UInt8](repeating: 0, count: 100)
        let cases: [(String, [UInt8], AudioFormat)] = [
            ("art.mp3", tag(200_000) + tag(10) + frame, .mp3),
            ("plain.mp3", frame, .mp3),
            ("tagged.flac", tag(70_000) + Array("fLaC".utf8) + [0, 0, 0, 34], .flac),
            ("tagged.wav", tag(100) + WAVFile.simple(code: 1, bits: 16, payload: []), .unknown),
            ("clip.wav", WAVFile.simple(code: 1, bits: 16, payload: []), .wav),
            ("notes.txt", Array("hello".utf8), .unknown),
            ("empty", [], .unknown),
        ]
        for (name, bytes, format) in cases {
            #expect(try AudioFormat.detect(path: scratch.write(bytes, name)) == format, "\(name)")
        }
        #expect(throws: AudioError.self) { try AudioFormat.detect(path: scratch.directory.appendingPathComponent("missing").path) }
    }
}
