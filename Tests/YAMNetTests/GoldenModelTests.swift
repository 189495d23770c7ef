import DSP
import Foundation
import Tensor
import Testing
import TestSupport
import YAMNet

/// The golden YAMNet: seeded weights (regenerated here from the manifest), written in format v1,
/// loaded through the real loader, run on every golden clip, compared with TensorFlow.
@Suite(.serialized) struct GoldenModelTests {
    /// The seeded weight file; `seededWeightsEqualTheExportersFile` checks it is byte-identical
    /// to the file the exporter wrote (same size and CRC-32), so the loader is exercised on exactly
    /// the exporter's output.
    static let weightsPath = SeededWeights.goldenFile

    /// Shared by the tests of this `.serialized` suite, one at a time.
    nonisolated(unsafe) static let model: YAMNet = try! YAMNet(weights: YAMNet.Weights(path: weightsPath), maxBatch: 8)

    @Test func seededWeightsEqualTheExportersFile() throws {
        let golden = try Golden.load()
        let weights = try YAMNet.Weights(path: Self.weightsPath)
        #expect(weights.checksum == golden.yamnet.weights_crc32)
        #expect(weights.layers.count == 14)
    }

    /// Tolerances (all measured against TensorFlow's float32 model; the test prints the values):
    /// - log-mel: 1e-4 absolute (log domain) — the front end is bit-faithful (see LogMelTests).
    /// - embeddings: 1e-4 × max |embedding| — float32 convolutions in a different summation
    ///   order (BLAS vs Eigen/oneDNN) and batch norm folded into a scale and bias differ by a few ulp
    ///   per layer; over 14 layers that stays ~1e-6 relative.
    /// - logits: 1e-3 absolute — a 1024-term dot product of those embeddings.
    /// - scores: 1e-4 absolute — the sigmoid's slope is ≤ 1/4, so logit errors shrink.
    /// - top-10 classes: identical wherever neighbouring reference scores differ by > 1e-4
    ///   (closer ties may swap legitimately under the score tolerance).
    @Test(arguments: ["empty", "tiny", "silence", "sine440", "noise", "chirp", "short", "exact", "long"])
    func matchesTensorFlow(clipName: String) throws {
        let golden = try Golden.load()
        let clip = try #require(golden.clips.first { $0.name == clipName })
        let output = try Self.model(try Golden.floats(clip.input))
        #expect(output.patchCount == clip.patches)
        #expect(output.logMel.frames == clip.frames)

        let logMel = Difference(output.logMel.values, try Golden.floats(clip.log_mel))
        let embeddings = Difference(output.embeddings.data, try Golden.floats(clip.embeddings))
        let logits = Difference(output.logits.data, try Golden.floats(clip.logits))
        let referenceScores = try Golden.floats(clip.scores)
        let scores = Difference(output.scores.data, referenceScores)
        print("yamnet \(clipName) (\(clip.patches) patches): log-mel \(logMel.maxAbs); embeddings \(embeddings); logits \(logits.maxAbs); scores \(scores.maxAbs)")
        #expect(logMel.maxAbs <= 1e-4)
        #expect(embeddings.relative <= 1e-4)
        #expect(logits.maxAbs <= 1e-3)
        #expect(scores.maxAbs <= 1e-4)

        let classes = output.scores.shape[1]
        for p in 0..<clip.patches {
            let ours = Array(output.scores.data[(p * classes)..<((p + 1) * classes)])
            let ref = Array(referenceScores[(p * classes)..<((p + 1) * classes)])
            let refOrder = ref.indices.sorted { ref[$0] > ref[$1] }
            let ourOrder = ours.indices.sorted { ours[$0] > ours[$1] }
            for rank in 0..<10 {
                let separated = (rank == 0 || ref[refOrder[rank - 1]] - ref[refOrder[rank]] > 1e-4)
                    && ref[refOrder[rank]] - ref[refOrder[rank + 1]] > 1e-4
                if separated { #expect(ourOrder[rank] == refOrder[rank], "\(clipName) patch \(p) rank \(rank)") }
            }
        }
    }

    /// Batching must not change results: one patch at a time equals batches of 8.
    @Test func batchSizeDoesNotChangeResults() throws {
        let golden = try Golden.load()
        let clip = try #require(golden.clips.first { $0.name == "long" })
        let waveform = try Golden.floats(clip.input)
        let single = try YAMNet(weights: YAMNet.Weights(path: Self.weightsPath), maxBatch: 1)(waveform)
        let batched = try Self.model(waveform)
        let d = Difference(single.embeddings.data, batched.embeddings.data)
        #expect(d.relative <= 1e-6, "\(d)")
    }

    /// Worker threads (slices of patches, GEMM row blocks, log-mel frames) must not change
    /// results beyond BLAS summation order: tolerance 1e-6 of the largest embedding.
    @Test func threadsDoNotChangeResults() throws {
        let golden = try Golden.load()
        let clip = try #require(golden.clips.first { $0.name == "long" })
        let waveform = try Golden.floats(clip.input)
        let parallel = try YAMNet(weights: YAMNet.Weights(path: Self.weightsPath), maxBatch: 8, threads: 2)(waveform)
        let serial = try Self.model(waveform)
        #expect(parallel.logMel == serial.logMel)
        let d = Difference(parallel.embeddings.data, serial.embeddings.data)
        #expect(d.relative <= 1e-6, "\(d)")
    }

    /// A NaN is `DSPError.nonFiniteSample` naming its index (padding only appends, so it is the
    /// caller's index).
    @Test func nonFiniteInputIsATypedError() throws {
        var waveform = [Float](repeating: 0, count: 20000)
        waveform[5] = .nan
        do {
            _ = try Self.model(waveform)
            Issue.record("a NaN sample was accepted")
        } catch {
            guard case .nonFiniteSample(let index, let value) = error else { Issue.record("\(error)"); return }
            #expect(index == 5 && value.isNaN)
        }
    }
}
