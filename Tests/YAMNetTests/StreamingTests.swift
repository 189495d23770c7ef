import AudioIO
import DSP
import Foundation
import Tensor
import Testing
import TestSupport
import YAMNet

/// Streaming equals one-piece analysis: `LogMelStream` frames bit for bit, `YAMNetStream` rows
/// within 1e-6 relative of `YAMNet.callAsFunction` on every golden clip, whatever the chunking.
@Suite(.serialized) struct StreamingTests {
    /// The golden weights (`GoldenModelTests.weightsPath`); batches of 4 patches, so that the
    /// long clip (21 patches) spans five full batches and a partial one.
    nonisolated(unsafe) static let model: YAMNet = try! YAMNet(weights: YAMNet.Weights(path: GoldenModelTests.weightsPath), maxBatch: 4)

    /// Samples in one batch of `model` (4 patch hops): chunks above it hold several batches.
    static let batchSamples = 4 * FrontendParams().patchHopSamples

    /// Chunk sizes covering `total` samples: single samples, a few hundred, and more than a batch.
    static func chunks(_ total: Int, seed: UInt64) -> [Int] {
        var random = TestRandom(seed: seed), sizes: [Int] = [], sum = 0
        while sum < total {
            let r = random.next()
            let size = r < 0.3 ? 1 : r < 0.7 ? 1 + Int(random.next() * 1000) : batchSamples + 1 + Int(random.next() * 40000)
            sizes.append(min(size, total - sum))
            sum += sizes.last!
        }
        return sizes
    }

    /// What a stream delivers, concatenated: [patches, 521], [patches, 1024], [patches, 521].
    struct Rows { var scores: [Float] = [], embeddings: [Float] = [], logits: [Float] = [], indices: [Int] = [] }

    static func stream(_ waveform: [Float], chunks: [Int], with stream: YAMNetStream) throws -> Rows {
        var rows = Rows()
        func keep(_ patch: YAMNetPatch) {
            rows.indices.append(patch.index)
            rows.scores += patch.scores; rows.embeddings += patch.embedding; rows.logits += patch.logits
        }
        var offset = 0
        for size in chunks {
            try stream.process(Array(waveform[offset..<(offset + size)]), patches: keep)
            offset += size
        }
        stream.finish(patches: keep)
        return rows
    }

    static func expectEqual(_ rows: Rows, _ output: YAMNetOutput, _ label: String) {
        #expect(rows.indices == Array(0..<output.patchCount), "\(label)")
        guard rows.indices.count == output.patchCount else { return }
        for (name, ours, reference) in [("scores", rows.scores, output.scores.data),
                                        ("embeddings", rows.embeddings, output.embeddings.data),
                                        ("logits", rows.logits, output.logits.data)] {
            let d = Difference(ours, reference)
            #expect(d.relative <= 1e-6, "\(label) \(name): \(d)")
        }
    }

    @Test(arguments: ["empty", "tiny", "silence", "sine440", "noise", "chirp", "short", "exact", "long"])
    func streamEqualsOnePiece(clipName: String) throws {
        let golden = try Golden.load()
        let clip = try #require(golden.clips.first { $0.name == clipName })
        let waveform = try Golden.floats(clip.input)
        let output = try Self.model(waveform)
        #expect(output.patchCount == clip.patches)
        let stream = YAMNetStream(model: Self.model)
        let chunkings = [("one piece", waveform.isEmpty ? [] : [waveform.count]),
                         ("single samples", [Int](repeating: 1, count: waveform.count)),
                         ("random", Self.chunks(waveform.count, seed: 7)),
                         ("random again", Self.chunks(waveform.count, seed: 8))]
        for (label, chunks) in chunkings {     // one stream object, reused after each finish
            Self.expectEqual(try Self.stream(waveform, chunks: chunks, with: stream), output, "\(clipName), \(label)")
        }
    }

    /// Longer than any golden clip: 20 s of noise (41 patches), model batches of 8 and 1.
    @Test func longStreamEqualsOnePiece() throws {
        var random = TestRandom(seed: 3)
        let waveform = random.array(320_123, -0.5, 0.5)
        for batch in [8, 1] {
            let model = try YAMNet(weights: YAMNet.Weights(path: GoldenModelTests.weightsPath), maxBatch: batch)
            let rows = try Self.stream(waveform, chunks: Self.chunks(waveform.count, seed: 11), with: YAMNetStream(model: model))
            Self.expectEqual(rows, try model(waveform), "20 s, batch \(batch)")
        }
    }

    @Test func logMelStreamFramesAreBitIdentical() throws {
        let spectrogram = try LogMelSpectrogram(threads: 2)
        var random = TestRandom(seed: 5)
        let waveform = random.array(48_321)
        let padding = PatchFrontend().paddedLength(samples: waveform.count) - waveform.count
        let reference = try spectrogram(waveform + [Float](repeating: 0, count: padding))
        for blockFrames in [1, 7, 256] {
            let stream = LogMelStream(spectrogram: spectrogram, blockFrames: blockFrames)
            var values: [Float] = [], offset = 0
            for size in Self.chunks(waveform.count, seed: UInt64(blockFrames)) {
                try waveform[offset..<(offset + size)].withUnsafeBufferPointer { chunk in
                    try stream.process(chunk) { values += $0 }
                }
                offset += size
            }
            stream.appendZeros(padding) { values += $0 }
            #expect(stream.frameCount == reference.frames && stream.sampleCount == waveform.count + padding)
            #expect(values == reference.values, "block of \(blockFrames) frames")
        }
    }

    /// The frame hook sees every log-mel frame of the samples taken, bit for bit those of the
    /// unpadded one-piece spectrogram, and none over YAMNet's end padding.
    @Test func frameHookSeesTheUnpaddedFrames() throws {
        let stream = YAMNetStream(model: Self.model)
        var random = TestRandom(seed: 4)
        let waveform = random.array(3 * Self.batchSamples + 777)
        var observed: [Float] = []
        var offset = 0
        for size in Self.chunks(waveform.count, seed: 8) {
            try waveform[offset..<(offset + size)].withUnsafeBufferPointer { chunk in
                try stream.process(chunk, frames: { observed += $0 }) { _ in }
            }
            offset += size
        }
        stream.finish(frames: { observed += $0 }) { _ in }
        let reference = try LogMelSpectrogram()(waveform)
        #expect(reference.frames > 0 && observed == reference.values)
    }

    /// A chunk with a NaN is refused whole, with its index in the stream; the stream goes on.
    @Test func nonFiniteSampleIsRefusedWithItsStreamIndex() throws {
        let stream = YAMNetStream(model: Self.model)
        var random = TestRandom(seed: 9)
        let first = random.array(1000), second = random.array(20000)
        try stream.process(first) { _ in }
        var bad = second
        bad[123] = .infinity
        #expect(throws: DSPError.nonFiniteSample(index: 1123, value: .infinity)) { try stream.process(bad) { _ in } }
        #expect(stream.sampleCount == 1000)
        try stream.process(second) { _ in }
        var count = 0
        stream.finish { _ in count += 1 }
        #expect(count == (try Self.model(first + second)).patchCount)
    }
}
