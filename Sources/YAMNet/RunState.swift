import Tensor

/// Every buffer a forward pass over up to `capacity` patches needs, allocated once, when its runner
/// is made, and reused for every batch (ref: llama2.c, RunState). Each runner has its own.
final class RunState {
    /// Rows 1–3 (the largest activations) run one patch at a time so they stay in cache
    /// (measured with `mood bench yamnet`: ~10% faster than whole batches; see BENCHMARKS.md).
    static let earlyRowCount = 3

    let earlyRows: Int
    let patches: UnsafeMutablePointer<Float>      // [capacity, 96, 64, 1]
    /// Per worker thread: two buffers for the largest early activation of one patch.
    let slicePing: [UnsafeMutablePointer<Float>]
    let slicePong: [UnsafeMutablePointer<Float>]
    /// Floats per patch of `ping` and `pong`: the largest late activation of one patch. Worker
    /// threads take contiguous runs of patches, so a run starting at patch p uses the buffers from
    /// p · `latePatchSize` on.
    let latePatchSize: Int
    let ping: UnsafeMutablePointer<Float>         // [capacity · latePatchSize]
    let pong: UnsafeMutablePointer<Float>
    let embeddings: UnsafeMutablePointer<Float>   // [capacity, 1024]
    let logits: UnsafeMutablePointer<Float>       // [capacity, 521]
    let scores: UnsafeMutablePointer<Float>       // [capacity, 521]
    /// Floats allocated in all the buffers above.
    let floats: Int

    init(capacity batch: Int, params: Params, workers: Int) {
        earlyRows = Self.earlyRowCount
        let input = NHWC(n: batch, h: params.patchFrames, w: params.patchBands, c: 1)
        // Per patch. A separable row writes its depthwise output (input channels) before its pointwise one.
        func largest(_ rows: Range<Int>) -> Int {
            let shapes = YAMNetLayers.shapes(batch: 1, params: params)
            var size = 0, previousChannels = rows.lowerBound == 0 ? 1 : shapes[rows.lowerBound - 1].c
            for i in rows {
                let s = shapes[i]
                size = max(size, s.count, s.h * s.w * previousChannels)
                previousChannels = s.c
            }
            return size
        }
        let early = 0..<earlyRows, late = earlyRows..<YAMNetLayers.table.count
        patches = .allocate(capacity: input.count)
        let sliceSize = largest(early)
        slicePing = (0..<workers).map { _ in .allocate(capacity: sliceSize) }
        slicePong = (0..<workers).map { _ in .allocate(capacity: sliceSize) }
        latePatchSize = max(largest(late), YAMNetLayers.shapes(batch: 1, params: params)[earlyRows - 1].count)
        ping = .allocate(capacity: batch * latePatchSize)
        pong = .allocate(capacity: batch * latePatchSize)
        embeddings = .allocate(capacity: batch * params.embeddingSize)
        logits = .allocate(capacity: batch * params.numClasses)
        scores = .allocate(capacity: batch * params.numClasses)
        floats = input.count + workers * 2 * sliceSize + 2 * batch * latePatchSize
            + batch * (params.embeddingSize + 2 * params.numClasses)
    }

    deinit {
        for p in [patches, ping, pong, embeddings, logits, scores] + slicePing + slicePong { p.deallocate() }
    }
}
