@testable import AudioIO
import Foundation
import Testing
import TestSupport

/// FLAC and MP3 decoded frame by frame from a sliding window of the file give exactly what the
/// whole-file decoders give — samples, or the same error — on intact, cut and damaged files.
@Suite struct FrameStreamTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    static func files(_ kind: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: vectors.appendingPathComponent(kind), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == kind }.sorted { $0.path < $1.path }
    }

    /// The stream's samples read through a window of `readSize`-byte reads, so that frames
    /// straddle refills (a small read size moves and grows the buffer many times).
    static func streamed(_ path: String, readSize: Int) -> Result<[Float], AudioError> {
        Result { () throws(AudioError) in
            let window = try ByteWindow(path: path, readSize: readSize)
            var samples: [Float] = []
            if AudioFormat.detect(try window.window(from: 0, atLeast: 12)) == .flac {
                let flac = try FLACStream<Float>(window, maxSamples: FLACDecoder.defaultMaxSamples, verifyMD5: false)
                while let block = try flac.next() { samples += block }
            } else {
                let mp3 = try MP3Stream(window)
                while let chunk = try mp3.next() { samples += chunk }
            }
            return samples
        }
    }

    /// Whole-file and streamed decoding of `bytes` agree, when they still look like FLAC or MP3.
    static func expectAgreement(_ bytes: [UInt8], _ label: String, readSize: Int = 1000) throws {
        guard [.flac, .mp3].contains(AudioFormat.detect(bytes)) else { return }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mood-frames-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = Result { () throws(AudioError) in try AudioDecoder.decode(bytes, path: path, ffmpeg: nil).samples }
        switch (whole, streamed(path, readSize: readSize)) {
        case (.success(let a), .success(let b)): #expect(a == b, "\(label): \(a.count) vs \(b.count) samples")
        case (.failure(let a), .failure(let b)): #expect(a == b, "\(label)")
        case (let a, let b): Issue.record("\(label): whole \(a), streamed \(b)")
        }
    }

    @Test(arguments: ["flac", "mp3"])
    func streamsEqualWholeFileDecoding(kind: String) throws {
        let files = try Self.files(kind)
        #expect(files.count >= 8)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            for readSize in [1000, 1 << 20] {
                try Self.expectAgreement(bytes, "\(file.lastPathComponent), reads of \(readSize)", readSize: readSize)
            }
        }
    }

    /// Cut at 16 points, and with one bit flipped in 16 ways (seeded), each file decodes to the same samples
    /// or fails with the same error either way.
    @Test(arguments: ["flac", "mp3"])
    func streamsEqualWholeFileDecodingOnBrokenFiles(kind: String) throws {
        var rng = SplitMix64(state: 0x5EED_F4A3)
        for file in try Self.files(kind) {
            let bytes = [UInt8](try Data(contentsOf: file))
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 16)) {
                try Self.expectAgreement(Array(bytes[..<cut]), "\(file.lastPathComponent) cut at \(cut)")
            }
            for trial in 0..<16 {
                var damaged = bytes
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                damaged[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                try Self.expectAgreement(damaged, "\(file.lastPathComponent) trial \(trial), bit flipped at \(index)")
            }
        }
    }
}
