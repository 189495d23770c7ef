import Tensor

/// Every buffer a forward pass over up to `capacity` patches needs, allocated once, when its runner
/// is made, and reused for every batch (ref: llama2.c, RunState). Each runner has its own.
final class RunState {
    /// Rows 1–3 (the largest activations) run one patch at a time so they stay in cache
    /// (measured with `mood bench yamnet`: ~10% faster than whole batches; see BENCHMARKS.md).
    static let earlyRowCount = 3
    static let patchesPerSlice = 1

    let earlyRows: Int
    let slice: Int
    let patches: UnsafeMutablePointer<Float>      // [capacity, 96, 64, 1]
    /// Per worker thread: two buffers for the largest early activation of one slice, and the
    /// im2col scratch of row 1 for one slice ([slice·48·32, 9]).
    let slicePing: [UnsafeMutablePointer<Float>]
    let slicePong: [UnsafeMutablePointer<Float>]
    let scratch: [UnsafeMutablePointer<Float>]
    let ping: UnsafeMutablePointer<Float>         // largest late activation of a full batch
    let pong: UnsafeMutablePointer<Float>
    let embeddings: UnsafeMutablePointer<Float>   // [capacity, 1024]
    let logits: UnsafeMutablePointer<Float>       // [capacity, 521]
    let scores: UnsafeMutablePointer<Float>       // [capacity, 521]
    /// Floats allocated in all the buffers above.
    let floats: Int

    init(capacity batch: Int, params: Params, workers: Int) {
        earlyRows = Self.earlyRowCount
        slice = min(batch, Self.patchesPerSlice)
        let input = NHWC(n: batch, h: params.patchFrames, w: params.patchBands, c: 1)
        // A separable row writes its depthwise output (input channels) before its pointwise one.
        func largest(_ rows: Range<Int>, n: Int) -> Int {
            let shapes = YAMNetLayers.shapes(batch: n, params: params)
            var size = 0, previousChannels = 1
            for i in rows {
                let s = shapes[i]
                size = max(size, s.count, s.n * s.h * s.w * previousChannels)
                previousChannels = s.c
            }
            return size
        }
        let early = 0..<earlyRows, late = earlyRows..<YAMNetLayers.table.count
        patches = .allocate(capacity: input.count)
        let sliceSize = largest(early, n: slice)
        let scratchSize = conv2d3x3ScratchCount(NHWC(n: slice, h: input.h, w: input.w, c: 1),
                                                stride: YAMNetLayers.table[0].stride)
        slicePing = (0..<workers).map { _ in .allocate(capacity: sliceSize) }
        slicePong = (0..<workers).map { _ in .allocate(capacity: sliceSize) }
        scratch = (0..<workers).map { _ in .allocate(capacity: scratchSize) }
        let lateSize = max(largest(late, n: batch), YAMNetLayers.shapes(batch: batch, params: params)[earlyRows - 1].count)
        ping = .allocate(capacity: lateSize)
        pong = .allocate(capacity: lateSize)
        embeddings = .allocate(capacity: batch * params.embeddingSize)
        logits = .allocate(capacity: batch * params.numClasses)
        scores = .allocate(capacity: batch * params.numClasses)
        floats = input.count + workers * (2 * sliceSize + scratchSize) + 2 * lateSize
            + batch * (params.embeddingSize + 2 * params.numClasses)
    }

    deinit {
        for p in [patches, ping, pong, embeddings, logits, scores] + slicePing + slicePong + scratch { p.deallocate() }
    }
}
