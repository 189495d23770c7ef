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

    /// Batch norm as `YAMNet.Weights` folds it, checked exactly on every row (all in double,
    /// rounded once): row 1's conv kernel is the file's, in place, with scale s = 1/√(var + ε) and
    /// bias β − mean·s; each pointwise kernel is the file's, in place, with no scale and bias
    /// β/s − mean (its s deferred); each depthwise kernel is k · s · (the s deferred to it by the
    /// previous pointwise conv), bias β − mean·s; the last pointwise s scales the embeddings.
    @Test func batchNormIsFoldedIntoScaleAndBias() throws {
        let (records, _) = try WeightFile.read(path: GoldenModelTests.weightsPath, model: "yamnet", hint: "")
        var byName: [String: [Float]] = [:]
        for r in records { byName[r.name] = r.values }
        func bn(_ prefix: String) throws -> (s: [Double], beta: [Float], mean: [Float]) {
            let variance = try #require(byName["\(prefix)/bn/moving_variance"])
            return (variance.map { 1 / (Double($0) + 1e-4).squareRoot() }, try #require(byName["\(prefix)/bn/beta"]),
                    try #require(byName["\(prefix)/bn/moving_mean"]))
        }
        func values(_ p: UnsafePointer<Float>, _ count: Int) -> [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
        var deferred: [Double]? = nil
        for (i, layer) in Self.weights.layers.enumerated() {
            let name = "layer\(i + 1)"
            switch layer {
            case .conv(let w):
                let k = try #require(byName["\(name)/conv/kernel"]), norm = try bn("\(name)/conv")
                #expect(values(w.kernel, k.count) == k, "\(name) kernel")
                #expect(Int(bitPattern: w.kernel) % 64 == 0, "\(name) kernel is 64-byte aligned in the map")
                let scale = try #require(w.scale)
                let expectedScale: [Float] = norm.s.map { Float($0) }
                #expect(values(scale, norm.s.count) == expectedScale, "\(name) scale")
                let bias: [Float] = norm.s.indices.map { Float(Double(norm.beta[$0]) - Double(norm.mean[$0]) * norm.s[$0]) }
                #expect(values(w.bias, bias.count) == bias, "\(name) bias")
            case .separable(let dw, let pw):
                let k = try #require(byName["\(name)/depthwise_conv/depthwise_kernel"]), d = try bn("\(name)/depthwise_conv")
                let c = d.s.count
                #expect(dw.scale == nil && pw.scale == nil, "\(name): no scale pass")
                let owed: [Double] = deferred ?? [Double](repeating: 1, count: c)
                let kernel: [Float] = k.indices.map { Float(Double(k[$0]) * d.s[$0 % c] * owed[$0 % c]) }
                #expect(values(dw.kernel, k.count) == kernel, "\(name) depthwise kernel")
                let bias: [Float] = (0..<c).map { Float(Double(d.beta[$0]) - Double(d.mean[$0]) * d.s[$0]) }
                #expect(values(dw.bias, c) == bias, "\(name) depthwise bias")
                let pk = try #require(byName["\(name)/pointwise_conv/kernel"]), p = try bn("\(name)/pointwise_conv")
                #expect(values(pw.kernel, pk.count) == pk, "\(name) pointwise kernel")
                let pwBias: [Float] = p.s.indices.map { Float(Double(p.beta[$0]) / p.s[$0] - Double(p.mean[$0])) }
                #expect(values(pw.bias, pwBias.count) == pwBias, "\(name) pointwise bias")
                deferred = p.s
            }
        }
        let last = try #require(deferred)
        let embeddingScale: [Float] = last.map { Float($0) }
        #expect(values(Self.weights.embeddingScale, last.count) == embeddingScale, "embedding scale")
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
