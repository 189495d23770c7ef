import DSP
import Foundation
import Testing

@Suite struct WAVReaderTests {
    /// A RIFF/WAVE file with an unknown odd-sized chunk before `data`.
    func wav(format: UInt16, channels: UInt16, rate: UInt32, bits: UInt16, payload: [UInt8]) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let block = channels * bits / 8
        let fmt = le(format) + le(channels) + le(rate) + le(rate * UInt32(block)) + le(block) + le(bits)
        let junk: [UInt8] = Array("LIST".utf8) + le(UInt32(3)) + [1, 2, 3, 0]
        let body = Array("WAVE".utf8) + Array("fmt ".utf8) + le(UInt32(16)) + fmt + junk
            + Array("data".utf8) + le(UInt32(payload.count)) + payload
        return Array("RIFF".utf8) + le(UInt32(body.count)) + body
    }

    func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mood-\(UUID().uuidString).wav").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func pcm16StereoIsAveragedToMono() throws {
        let samples: [Int16] = [16384, -16384, 32767, 32767, -32768, 0]
        let payload = samples.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let path = try write(wav(format: 1, channels: 2, rate: 16000, bits: 16, payload: payload))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let audio = try WAVReader.read(path: path)
        #expect(audio.sampleRate == 16000 && audio.channels == 2)
        #expect(audio.samples == [0, 32767.0 / 32768, -0.5])
    }

    @Test func float32Mono() throws {
        let values: [Float] = [0.25, -1, 0.5]
        let payload = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let path = try write(wav(format: 3, channels: 1, rate: 16000, bits: 32, payload: payload))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try WAVReader.read(path: path).samples == values)
    }

    @Test func badFilesGiveTypedErrors() throws {
        let notWav = try write(Array("hello, this is not audio".utf8))
        let pcm8 = try write(wav(format: 1, channels: 1, rate: 16000, bits: 8, payload: [1, 2, 3]))
        defer { for p in [notWav, pcm8] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(throws: AudioError.notWAV(path: notWav)) { try WAVReader.read(path: notWav) }
        #expect(throws: AudioError.unsupportedEncoding(path: pcm8, format: 1, bits: 8)) { try WAVReader.read(path: pcm8) }
        #expect(throws: AudioError.self) { try WAVReader.read(path: "/nonexistent/file.wav") }
        let truncated = try write(Array(wav(format: 1, channels: 1, rate: 16000, bits: 16, payload: []).prefix(30)))
        defer { try? FileManager.default.removeItem(atPath: truncated) }
        #expect(throws: AudioError.self) { try WAVReader.read(path: truncated) }
    }
}
