import AudioIO
import DSP
import Foundation
import Testing
import TestSupport

/// `WaveformReader`: caller-owned buffers of any size read the same samples as decoding, mixing
/// down and resampling the whole file at once; a non-finite sample is refused where it enters,
/// with the file and the sample's index.
@Suite struct WaveformReaderTests {
    static func write(_ samples: [Float], rate: Int, channels: Int) throws -> (AudioStreamTests.Scratch, String) {
        let scratch = try AudioStreamTests.Scratch()
        return (scratch, try scratch.write(WAVWriter.float32(samples: samples, sampleRate: rate, channels: channels)))
    }

    @Test(arguments: [1, 7, 1000, 100_000])
    func anyBufferSizeReadsTheWholeResampledMix(bufferSize: Int) throws {
        var random = TestRandom(seed: 5)
        let stereo = random.array(2 * 100_003)                   // 2.27 s of 44.1 kHz stereo
        let (scratch, path) = try Self.write(stereo, rate: 44100, channels: 2)
        let whole = try ResamplerPlan(inputRate: 44100, outputRate: 16000)
            .resample(DecodedAudio(samples: stereo, sampleRate: 44100, channels: 2).mono())
        let reader = try WaveformReader(path: path, sampleRate: 16000, ffmpeg: nil)
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: bufferSize)
        defer { buffer.deallocate() }
        var read: [Float] = []
        while true {
            let samples = try reader.read(into: buffer)
            guard samples.count > 0 else { break }
            #expect(samples.count == bufferSize || read.count + samples.count == whole.count)
            read += samples.buffer
        }
        #expect(read == whole && reader.samplesRead == whole.count && reader.progress == 1)
        #expect(try readWaveform(path, sampleRate: 16000) == whole)
        _ = scratch
    }

    /// SampleGuard's refusal reaches the reader's caller with the file and the decoded sample's index.
    @Test func nonFiniteSampleIsRefusedWithTheFileAndIndex() throws {
        var samples = [Float](repeating: 0.25, count: 40_000)
        samples[33_000] = -.infinity
        let (scratch, path) = try Self.write(samples, rate: 16000, channels: 1)
        #expect(throws: AudioStreamError.audio(.sampleOutOfRange(path: path, index: 33_000, value: "-inf", limit: 32768))) {
            try streamWaveform(path, sampleRate: 16000, ffmpeg: nil) { _ in }
        }
        _ = scratch
    }
}
