import Dispatch
import Foundation
import Testing
import TestSupport
import WeightFormat
import YAMNet

/// Weights apart from run state (llama2.c's split): one `YAMNet.Weights` serves any number of
/// runners at once, each with its own buffers, and the weights hold exactly the table's rows with
/// batch norm folded as documented.
@Suite struct RunnerTests {
    static let weights = try! YAMNet.Weights(path: GoldenModelTests.weightsPath)

    /// Two runners on one `Weights`, on two threads at once, give the rows of one runner alone
    /// bit for bit: the shared weights are only read, and nothing else is shared.
    @Test func parallelRunnersOnSharedWeightsAreBitIdentical() throws {
        let golden = try Golden.load()
        let clip = try #require(golden.clips.first { $0.name == "long" })
        let waveform = try Golden.floats(clip.input)
        let alone = try YAMNet(weights: Self.weights, maxBatch: 4)(waveform)
        let runners = [try YAMNet(weights: Self.weights, maxBatch: 4), try YAMNet(weights: Self.weights, maxBatch: 4)]
        let results = Results()
        let box = Runners(runners: runners)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            // Each thread runs its own runner three times, so the two overlap.
            for _ in 0..<3 { results.set(i, try? box.runners[i](waveform)) }
        }
        for i in 0..<2 {
            let output = try #require(results.get(i))
            #expect(output.scores == alone.scores, "runner \(i) scores")
            #expect(output.embeddings == alone.embeddings, "runner \(i) embeddings")
            #expect(output.logits == alone.logits, "runner \(i) logits")
        }
    }

    /// The layer-kind enum covers the 14-row table: one entry per row, of the row's kind.
    @Test func layersFollowTheTable() {
        #expect(YAMNetLayers.table.count == 14)
        #expect(Self.weights.layers.count == YAMNetLayers.table.count)
        for (spec, layer) in zip(YAMNetLayers.table, Self.weights.layers) {
            switch (spec.kind, layer) {
            case (.conv, .conv), (.separable, .separable): break
            default: Issue.record("row of kind \(spec.kind) holds \(layer)")
            }
        }
    }

    /// Conv and pointwise kernels are the file's values in place with scale 1/√(var + ε); depthwise
    /// kernels are k·s with no scale; biases are β − mean·s; all computed in double and rounded
    /// once (checked exactly on every row).
    @Test func batchNormIsFoldedIntoScaleAndBias() throws {
        let (records, _) = try WeightFile.read(path: GoldenModelTests.weightsPath, model: "yamnet", hint: "")
        var byName: [String: [Float]] = [:]
        for r in records { byName[r.name] = r.values }
        func check(_ w: FoldedConv, _ prefix: String, kernel: String) throws {
            let k = try #require(byName["\(prefix)/\(kernel)"])
            let beta = try #require(byName["\(prefix)/bn/beta"]), mean = try #require(byName["\(prefix)/bn/moving_mean"])
            let variance = try #require(byName["\(prefix)/bn/moving_variance"])
            let s = variance.map { 1 / (Double($0) + 1e-4).squareRoot() }
            let kernelValues = Array(UnsafeBufferPointer(start: w.kernel, count: k.count))
            if let scale = w.scale {
                #expect(kernelValues == k, "\(prefix) kernel")
                #expect(Int(bitPattern: w.kernel) % 64 == 0, "\(prefix) kernel is 64-byte aligned in the map")
                for c in s.indices { #expect(scale[c] == Float(s[c]), "\(prefix) scale \(c)") }
            } else {
                #expect(kernel == "depthwise_kernel", "\(prefix): only depthwise kernels are folded")
                #expect(kernelValues == k.indices.map { Float(Double(k[$0]) * s[$0 % s.count]) }, "\(prefix) folded kernel")
            }
            for c in beta.indices {
                #expect(w.bias[c] == Float(Double(beta[c]) - Double(mean[c]) * s[c]), "\(prefix) bias \(c)")
            }
        }
        for (i, layer) in Self.weights.layers.enumerated() {
            switch layer {
            case .conv(let w): try check(w, "layer\(i + 1)/conv", kernel: "kernel")
            case .separable(let dw, let pw):
                try check(dw, "layer\(i + 1)/depthwise_conv", kernel: "depthwise_kernel")
                try check(pw, "layer\(i + 1)/pointwise_conv", kernel: "kernel")
            }
        }
    }
}

/// The two runners, handed to the worker threads (each thread uses only its own).
private struct Runners: @unchecked Sendable { let runners: [YAMNet] }

/// One output slot per thread.
private final class Results: @unchecked Sendable {   // every access under `lock`
    private let lock = NSLock()
    private var outputs: [Int: YAMNetOutput] = [:]
    func set(_ i: Int, _ output: YAMNetOutput?) { lock.withLock { outputs[i] = output } }
    func get(_ i: Int) -> YAMNetOutput? { lock.withLock { outputs[i] } }
}
