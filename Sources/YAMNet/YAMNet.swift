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

/// YAMNet inference: a 16 kHz mono waveform → log-mel patches → MobileNet v1 → scores.
///
/// Patches run in batches of at most `maxBatch`; each batch size gets its buffers once
/// (`RunState`). Not thread-safe: one instance serves one caller at a time.
/// ref: yamnet.py, yamnet_frames_model
public final class YAMNet {
    public let params: Params
    public let weights: YAMNetWeights
    public let maxBatch: Int
    public let threads: Int
    private let logMel: LogMelSpectrogram
    private let frontend: PatchFrontend
    private var states: [Int: RunState] = [:]

    /// - Parameters:
    ///   - threads: threads for OpenBLAS and the depthwise kernel (process-wide for OpenBLAS).
    public init(weights: YAMNetWeights, params: Params = Params(), maxBatch: Int = 16, threads: Int = 1) throws {
        precondition(maxBatch > 0)
        self.params = params
        self.weights = weights
        self.maxBatch = maxBatch
        self.threads = threads
        logMel = try LogMelSpectrogram(params: params.frontend)
        frontend = PatchFrontend(params: params.frontend)
        BLASThreads.set(threads)
    }

    /// Runs the whole pipeline on `waveform` (16 kHz mono, finite samples; any length, padded
    /// as the reference pads). Throws `DSPError.nonFiniteSample` for NaN or infinite input.
    public func callAsFunction(_ waveform: [Float]) throws(DSPError) -> YAMNetOutput {
        let spectrogram = try logMel(frontend.pad(waveform))
        let n = frontend.patchCount(frames: spectrogram.frames)
        let classes = params.numClasses, dims = params.embeddingSize
        var scores = [Float](repeating: 0, count: n * classes)
        var logits = scores
        var embeddings = [Float](repeating: 0, count: n * dims)
        spectrogram.values.withUnsafeBufferPointer { mel in
            var start = 0
            while start < n {
                let count = min(maxBatch, n - start)
                let state = self.state(batch: count)
                let patchSize = params.patchFrames * params.patchBands
                for i in 0..<count {
                    frontend.copyPatch(start + i, of: mel.baseAddress!, bands: spectrogram.bands,
                                       into: state.patches + i * patchSize)
                }
                forward(state)
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

    private func state(batch: Int) -> RunState {
        if let s = states[batch] { return s }
        let s = RunState(batch: batch, params: params)
        states[batch] = s
        return s
    }

    /// The network on `state.patches` → embeddings, logits, scores. ref: yamnet.py, yamnet
    private func forward(_ state: RunState) {
        var shape = NHWC(n: state.batch, h: params.patchFrames, w: params.patchBands, c: 1)
        // Row 1 reads the patches and writes `ping`; each separable row then runs depthwise
        // ping → pong and pointwise pong → ping, so the activation always ends in `ping`.
        let current = state.ping, other = state.pong
        for layer in weights.layers {
            let spec = layer.spec
            switch spec.kind {
            case .conv:
                let w = layer.conv!
                w.kernel.withUnsafeBufferPointer { k in w.bias.withUnsafeBufferPointer { b in
                    conv2d3x3Forward(out: current, input: state.patches, shape: shape, kernel: k.baseAddress!,
                                     bias: b.baseAddress!, outChannels: spec.filters, stride: spec.stride,
                                     relu: true, scratch: state.scratch)
                } }
                shape = conv3x3OutputShape(shape, stride: spec.stride, channels: spec.filters)
            case .separable:
                let dw = layer.depthwise!, pw = layer.pointwise!
                dw.kernel.withUnsafeBufferPointer { k in dw.bias.withUnsafeBufferPointer { b in
                    depthwiseConv3x3Forward(out: other, input: current, shape: shape, kernel: k.baseAddress!,
                                            bias: b.baseAddress!, stride: spec.stride, relu: true, threads: threads)
                } }
                shape = conv3x3OutputShape(shape, stride: spec.stride, channels: shape.c)
                pw.kernel.withUnsafeBufferPointer { k in pw.bias.withUnsafeBufferPointer { b in
                    pointwiseConvForward(out: current, input: other, shape: shape, kernel: k.baseAddress!,
                                         bias: b.baseAddress!, outChannels: spec.filters, relu: true)
                } }
                shape.c = spec.filters
            }
        }
        let input = UnsafePointer(current)
        globalAveragePool(out: state.embeddings, input: input, shape: shape)
        weights.logitsKernel.withUnsafeBufferPointer { k in weights.logitsBias.withUnsafeBufferPointer { b in
            denseForward(out: state.logits, input: state.embeddings, batch: state.batch, inputs: shape.c,
                         kernel: k.baseAddress!, bias: b.baseAddress!, units: params.numClasses)
        } }
        sigmoid(out: state.scores, input: state.logits, count: state.batch * params.numClasses)
    }
}
