@testable import AudioIO
import Foundation
import Testing

/// `WAVFileWriter`, what `mood decode` streams its output through.
@Suite struct WAVFileWriterTests {
    static let samples: [Float] = (0..<2 * 1000).map { Float($0 % 77) / 77 - 0.5 }

    /// A regular file written in chunks ends as the whole-buffer writer's bytes: real sizes.
    @Test func regularFileGetsRealSizes() throws {
        let scratch = try AudioStreamTests.Scratch()
        let path = scratch.directory.appendingPathComponent("out.wav").path
        let writer = try WAVFileWriter(path: path, sampleRate: 22050, channels: 2)
        for range in [0..<600, 600..<602, 602..<2000] {
            try Self.samples[range].withUnsafeBufferPointer { try writer.write($0) }
        }
        try writer.finish()
        #expect(writer.frames == 1000)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == WAVWriter.float32(samples: Self.samples, sampleRate: 22050, channels: 2))
    }

    /// Where the header cannot be rewritten (/dev/null here) it keeps streaming sizes, which read
    /// to the end of the file.
    @Test func streamingHeaderReadsToTheEnd() throws {
        let writer = try WAVFileWriter(path: "/dev/null", sampleRate: 8000, channels: 2)
        try Self.samples.withUnsafeBufferPointer { try writer.write($0) }
        try writer.finish()
        #expect(writer.frames == 1000)
        var bytes = WAVWriter.float32Header(sampleRate: 8000, channels: 2, frames: nil)
        #expect(bytes[4..<8].allSatisfy { $0 == 0xFF } && bytes[54..<58].allSatisfy { $0 == 0xFF })
        Self.samples.withUnsafeBufferPointer { WAVWriter.appendLittleEndian($0, to: &bytes) }
        let audio = try AudioDecoder.decode(bytes, path: "streamed.wav", ffmpeg: nil)
        #expect(audio.channels == 2 && audio.sampleRate == 8000)
        #expect(audio.samples.map(\.bitPattern) == Self.samples.map(\.bitPattern))
    }

    /// What a failed decode leaves: nothing, for a regular file; /dev/null stays.
    @Test func discardRemovesARegularFile() throws {
        let scratch = try AudioStreamTests.Scratch()
        let path = scratch.directory.appendingPathComponent("half.wav").path
        let writer = try WAVFileWriter(path: path, sampleRate: 8000, channels: 2)
        try Self.samples.withUnsafeBufferPointer { try writer.write($0) }
        writer.discard()
        #expect(!FileManager.default.fileExists(atPath: path))
        let null = try WAVFileWriter(path: "/dev/null", sampleRate: 8000, channels: 1)
        null.discard()
        #expect(FileManager.default.fileExists(atPath: "/dev/null"))
    }

    @Test func unwritablePathThrows() {
        #expect(throws: WAVFileWriter.Failure.self) {
            _ = try WAVFileWriter(path: "/nonexistent-dir/out.wav", sampleRate: 8000, channels: 1)
        }
    }
}
