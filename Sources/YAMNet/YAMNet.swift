import DSP
import Tensor

/// What YAMNet returns for a waveform, as the TensorFlow Hub model does.
public struct YAMNetOutput: Sendable {
    /// [N, 521] class scores in [0, 1] (sigmoid of the logits), one row per 0.96 s patch.
    public var scores: Tensor
    /// [N, 1024] embeddings (global average of the last activation).
    public var embeddings: Tensor
    /// [N, 521] pre-sigmoid logits.
    public var logits: Tensor
    /// [frames, 64] log-mel spectrogram of the padded waveform.
    public var logMel: LogMel
    public var patchCount: Int { scores.shape[0] }
}

/// A YAMNet runner: a 16 kHz mono waveform → log-mel patches → MobileNet v1 → scores.
///
/// As llama2.c splits `Config` / `TransformerWeights` / `RunState`: the hyper-parameters
/// (`Params`) and the weights (`YAMNet.Weights`, memory-mapped, batch norm folded) are immutable
/// and shared by every runner of the process; each runner owns its working buffers (`RunState`,
/// allocated once here for `maxBatch` patches: `bufferBytes`). Patches run in batches of at most
/// `maxBatch`. Not thread-safe: one runner serves one caller at a time; make one per thread or job.
/// ref: yamnet.py, yamnet_frames_model; llama2.c, Transformer
public final class YAMNet {
    public let weights: Weights
    public let maxBatch: Int
    public let threads: Int
    let logMel: LogMelSpectrogram                 // shared with this runner's streams
    let frontend: PatchFrontend
    private let state: RunState

    public var params: Params { weights.params }
    /// Bytes of this runner's own buffers (the log-mel front end's few kB aside).
    public var bufferBytes: Int { state.floats * MemoryLayout<Float>.stride }

    /// - Parameters:
    ///   - maxBatch: patches per batch (≥ 1); the buffers grow linearly with it.
    ///   - threads: threads for the front end and every kernel (OpenBLAS itself is set to one
    ///     thread, process-wide: the engine splits its GEMMs over row blocks).
    public init(weights: Weights, maxBatch: Int = 32, threads: Int = 1) throws {
        precondition(maxBatch > 0)
        self.weights = weights
        self.maxBatch = maxBatch
        self.threads = threads
        logMel = try LogMelSpectrogram(params: weights.params.frontend, threads: threads)
        frontend = PatchFrontend(params: weights.params.frontend)
        state = RunState(capacity: maxBatch, params: weights.params, workers: threads)
        BLASThreads.set(1)          // we parallelise GEMMs over row blocks ourselves
    }

    /// Runs the whole pipeline on `waveform` (16 kHz mono, finite samples; any length, padded
    /// as the reference pads). Throws `DSPError.nonFiniteSample` for NaN or infinite input.
    /// `YAMNetStream` gives the same rows in bounded memory, without the log-mel of the whole file.
    public func callAsFunction(_ waveform: [Float]) throws(DSPError) -> YAMNetOutput {
        let spectrogram = try logMel(frontend.pad(waveform))
        let n = frontend.patchCount(frames: spectrogram.frames)
        let classes = params.numClasses, dims = params.embeddingSize
        var scores = [Float](repeating: 0, count: n * classes)
        var logits = scores
        var embeddings = [Float](repeating: 0, count: n * dims)
        let patchStride = params.frontend.patchHopFrames * params.patchBands
        spectrogram.values.withUnsafeBufferPointer { mel in
            var start = 0
            while start < n {
                let count = min(maxBatch, n - start)
                let state = runBatch(logMel: mel.baseAddress! + start * patchStride, count: count)
                scores.withUnsafeMutableBufferPointer { ($0.baseAddress! + start * classes).update(from: state.scores, count: count * classes) }
                logits.withUnsafeMutableBufferPointer { ($0.baseAddress! + start * classes).update(from: state.logits, count: count * classes) }
                embeddings.withUnsafeMutableBufferPointer { ($0.baseAddress! + start * dims).update(from: state.embeddings, count: count * dims) }
                start += count
            }
        }
        return YAMNetOutput(scores: Tensor(shape: [n, classes], data: scores),
                            embeddings: Tensor(shape: [n, dims], data: embeddings),
                            logits: Tensor(shape: [n, classes], data: logits),
                            logMel: spectrogram)
    }

    /// One batch: patches 0..<`count` (≤ `maxBatch`) of the log-mel frames at `logMel` (rows of
    /// `params.patchBands` values; patch i is frames 48·i ..< 48·i + 96) through the network. The
    /// returned state holds their scores, logits and embeddings ([count, …] rows) until the next batch.
    func runBatch(logMel: UnsafePointer<Float>, count: Int) -> RunState {
        let patchSize = params.patchFrames * params.patchBands
        for i in 0..<count {
            frontend.copyPatch(i, of: logMel, bands: params.patchBands, into: state.patches + i * patchSize)
        }
        forward(state, batch: count)
        return state
    }

    /// The network on `state.patches` → embeddings, logits, scores. ref: yamnet.py, yamnet
    ///
    /// The batch is cut into one contiguous run of patches per worker thread, and each worker takes
    /// its run through the whole network alone: no thread waits for another between layers, which
    /// is what kept two threads at 1.58× of one (issue 14). Within a run, the first
    /// `RunState.earlyRowCount` rows (large activations, few channels) go one patch at a time so
    /// their activations stay in cache, and the later rows on the whole run, where GEMMs need the
    /// rows of many patches. With a single patch, the kernels split their rows over the threads.
    private func forward(_ state: RunState, batch: Int) {
        let workers = min(threads, batch)
        let kernelThreads = workers == 1 ? threads : 1
        // Workers read the immutable weights and write disjoint runs of `state`.
        let box = UncheckedSendable(value: (model: self, state: state))
        parallelWorkers(workers, threads: workers) { worker, part in
            let (model, state) = box.value
            let run = (part * batch / workers)..<((part + 1) * batch / workers)
            model.forward(state, worker: worker, patches: run, threads: kernelThreads)
        }
    }

    /// Patches `patches` of the batch through the network on one worker's buffers.
    private func forward(_ state: RunState, worker: Int, patches: Range<Int>, threads: Int) {
        let input = NHWC(n: 1, h: params.patchFrames, w: params.patchBands, c: 1)
        let early = YAMNetLayers.shapes(batch: 1, params: params)[state.earlyRows - 1]
        let (patchSize, earlySize) = (input.h * input.w, early.count)
        let current = state.ping + patches.lowerBound * state.latePatchSize
        let other = state.pong + patches.lowerBound * state.latePatchSize
        for (i, p) in patches.enumerated() {
            _ = runRows(0..<state.earlyRows, input: state.patches + p * patchSize, shape: input,
                        current: state.slicePing[worker], other: state.slicePong[worker], threads: threads)
            (current + i * earlySize).update(from: state.slicePing[worker], count: earlySize)
        }
        let shape = runRows(state.earlyRows..<weights.layers.count, input: current,
                            shape: NHWC(n: patches.count, h: early.h, w: early.w, c: early.c),
                            current: current, other: other, threads: threads)
        let (dims, classes) = (shape.c, params.numClasses)
        let embeddings = state.embeddings + patches.lowerBound * dims
        let logits = state.logits + patches.lowerBound * classes
        globalAveragePool(out: embeddings, input: current, shape: shape)
        for n in 0..<patches.count {     // the last row's batch-norm scale, deferred to here (Weights)
            for c in 0..<dims { embeddings[n * dims + c] *= weights.embeddingScale[c] }
        }
        denseForward(out: logits, input: embeddings, batch: patches.count, inputs: dims,
                     kernel: weights.logitsKernel, bias: weights.logitsBias, units: classes)
        sigmoid(out: state.scores + patches.lowerBound * classes, input: logits, count: patches.count * classes)
    }

    /// Runs table rows `rows` on `input` ([n, h, w, c]); the result ends in `current`. A conv
    /// row reads `input` and writes `current`; a separable row runs depthwise current → other
    /// and pointwise other → current (so `input` must be `current` from the second row on).
    private func runRows(_ rows: Range<Int>, input: UnsafePointer<Float>, shape: NHWC,
                         current: UnsafeMutablePointer<Float>, other: UnsafeMutablePointer<Float>,
                         threads: Int) -> NHWC {
        var shape = shape
        for row in rows {
            let spec = YAMNetLayers.table[row]
            switch weights.layers[row] {
            case .conv(let w):
                conv2d3x3Forward(out: current, input: input, shape: shape, kernel: w.kernel, scale: w.scale,
                                 bias: w.bias, outChannels: spec.filters, stride: spec.stride, relu: true,
                                 threads: threads)
                shape = conv3x3OutputShape(shape, stride: spec.stride, channels: spec.filters)
            case .separable(let dw, let pw):
                depthwiseConv3x3Forward(out: other, input: current, shape: shape, kernel: dw.kernel, scale: dw.scale,
                                        bias: dw.bias, stride: spec.stride, relu: true, threads: threads)
                shape = conv3x3OutputShape(shape, stride: spec.stride, channels: shape.c)
                pointwiseConvForward(out: current, input: other, shape: shape, kernel: pw.kernel, scale: pw.scale,
                                     bias: pw.bias, outChannels: spec.filters, relu: true, threads: threads)
                shape.c = spec.filters
            }
        }
        return shape
    }
}

/// Carries a value into a `@Sendable` closure whose callers guarantee exclusive access.
struct UncheckedSendable<Value>: @unchecked Sendable { let value: Value }
