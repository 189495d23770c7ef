import DSP

/// One patch's rows of YAMNet's output, as a `YAMNetStream` delivers them. The buffers belong to
/// the model and are valid only during the delivery call: copy what you keep.
public struct YAMNetPatch {
    /// The patch's index in the stream: it starts at index · 0.48 s.
    public let index: Int
    /// [521] class scores in [0, 1].
    public let scores: UnsafeBufferPointer<Float>
    /// [1024] embedding.
    public let embedding: UnsafeBufferPointer<Float>
    /// [521] pre-sigmoid logits.
    public let logits: UnsafeBufferPointer<Float>
}

/// YAMNet over a stream: 16 kHz mono samples in chunks of any size go in, each 0.96 s patch's
/// scores, embedding and logits come out, in memory bounded by `model.maxBatch` whatever the length.
///
/// The stream keeps the samples the next log-mel frames need (`LogMelStream`, under 400) and
/// the frames of at most one batch: (maxBatch − 1)·48 + 96 rows of 64, the last 48 of which the
/// next batch shares. As soon as a batch of `model.maxBatch` patches is complete it runs through
/// the model's network and its patches are delivered. `finish()` applies YAMNet's padding (the
/// length is known only at the end, and padding only appends zeros), runs the last, partial batch
/// and starts a new stream. Patches, batches and arithmetic are those of `model(waveform)` on the
/// concatenated samples, so every row equals the one-piece output.
///
/// One caller at a time: the stream borrows its model's buffers during each call, so streams and
/// one-piece calls of one model may alternate, but not run concurrently.
public final class YAMNetStream {
    public let model: YAMNet
    private let logMel: LogMelStream
    /// Log-mel frames of the current batch: [capacity, bands]; `buffered` rows filled.
    private let frames: UnsafeMutablePointer<Float>
    private let capacity: Int
    private var buffered = 0
    /// Patches delivered since the start of the stream.
    public private(set) var patchCount = 0

    public init(model: YAMNet) {
        self.model = model
        logMel = LogMelStream(spectrogram: model.logMel)
        let frontend = model.params.frontend
        capacity = (model.maxBatch - 1) * frontend.patchHopFrames + frontend.patchFrames
        frames = .allocate(capacity: capacity * frontend.melBands)
    }

    deinit { frames.deallocate() }

    /// Samples received since the start of the stream.
    public var sampleCount: Int { logMel.sampleCount }

    /// Takes `samples` (16 kHz mono, found finite where they entered: `FiniteSamples`) and calls
    /// `deliver` for each patch completed by a full batch, in order. `observe`, when given,
    /// receives every log-mel frame as it is computed ([n, 64] rows, 10 ms apart, valid during
    /// the call), before the patches it completes: a plot reuses YAMNet's front end instead of
    /// computing it again.
    public func process(_ samples: FiniteSamples, frames observe: (UnsafeBufferPointer<Float>) -> Void = { _ in },
                        patches deliver: (YAMNetPatch) -> Void) {
        logMel.process(samples) { rows in
            observe(rows)
            take(rows, deliver)
        }
    }

    /// `process` for a caller's raw samples, checked here, at the public boundary: throws
    /// `DSPError.nonFiniteSample` (index from the start of the stream) for a chunk with a NaN or
    /// an infinity, before taking any of it.
    public func process(_ samples: UnsafeBufferPointer<Float>, frames observe: (UnsafeBufferPointer<Float>) -> Void = { _ in },
                        patches deliver: (YAMNetPatch) -> Void) throws(DSPError) {
        process(try FiniteSamples(checking: samples, firstIndex: sampleCount), frames: observe, patches: deliver)
    }

    /// `process` for an array.
    public func process(_ samples: [Float], patches deliver: (YAMNetPatch) -> Void) throws(DSPError) {
        try samples.withUnsafeBufferPointer { (s) throws(DSPError) in try process(s, patches: deliver) }
    }

    /// Ends the stream: pads it as YAMNet does (`PatchFrontend.paddedLength`), delivers the
    /// remaining patches (an empty stream gives one patch of silence, as the reference does) and
    /// resets. `observe` receives the frames that lie wholly within the samples taken (those
    /// `LogMelSpectrogram` gives the unpadded stream), not the frames over YAMNet's padding.
    public func finish(frames observe: (UnsafeBufferPointer<Float>) -> Void = { _ in }, patches deliver: (YAMNetPatch) -> Void) {
        let count = logMel.sampleCount, bands = model.params.patchBands
        var unobserved = logMel.spectrogram.frameCount(samples: count) - logMel.frameCount
        logMel.appendZeros(model.frontend.paddedLength(samples: count) - count) { rows in
            let n = min(unobserved, rows.count / bands)
            if n > 0 { observe(UnsafeBufferPointer(rebasing: rows[..<(n * bands)])) }
            unobserved -= n
            take(rows, deliver)
        }
        run(model.frontend.patchCount(frames: buffered), deliver)
        reset()
    }

    /// Starts a new stream, dropping buffered samples and frames.
    public func reset() {
        logMel.reset()
        buffered = 0
        patchCount = 0
    }

    /// Appends log-mel rows; runs each batch they complete.
    private func take(_ rows: UnsafeBufferPointer<Float>, _ deliver: (YAMNetPatch) -> Void) {
        let bands = model.params.patchBands, count = rows.count / bands
        var offset = 0
        while offset < count {
            let n = min(count - offset, capacity - buffered)
            (frames + buffered * bands).update(from: rows.baseAddress! + offset * bands, count: n * bands)
            buffered += n; offset += n
            if buffered == capacity { run(model.maxBatch, deliver) }
        }
    }

    /// Runs the first `count` patches of the buffered frames through the network, delivers them
    /// and drops the frames no later patch needs.
    private func run(_ count: Int, _ deliver: (YAMNetPatch) -> Void) {
        guard count > 0 else { return }
        let state = model.runBatch(logMel: frames, count: count)
        let classes = model.params.numClasses, dims = model.params.embeddingSize
        for i in 0..<count {
            deliver(YAMNetPatch(index: patchCount + i,
                                scores: UnsafeBufferPointer(start: state.scores + i * classes, count: classes),
                                embedding: UnsafeBufferPointer(start: state.embeddings + i * dims, count: dims),
                                logits: UnsafeBufferPointer(start: state.logits + i * classes, count: classes)))
        }
        patchCount += count
        let bands = model.params.patchBands, consumed = count * model.params.frontend.patchHopFrames
        buffered -= consumed
        frames.update(from: frames + consumed * bands, count: buffered * bands)
    }
}
