import Tensor

/// Every buffer one forward pass over a batch of `batch` patches needs, allocated once per batch
/// size and reused for each batch of that size (ref: llama2.c, RunState).
final class RunState {
    let batch: Int
    let shapes: [NHWC]                            // activation after each table row
    let patches: UnsafeMutablePointer<Float>      // [batch, 96, 64, 1]
    let ping: UnsafeMutablePointer<Float>         // largest activation
    let pong: UnsafeMutablePointer<Float>         // largest activation
    let scratch: UnsafeMutablePointer<Float>      // im2col of row 1: [batch·48·32, 9]
    let embeddings: UnsafeMutablePointer<Float>   // [batch, 1024]
    let logits: UnsafeMutablePointer<Float>       // [batch, 521]
    let scores: UnsafeMutablePointer<Float>       // [batch, 521]

    init(batch: Int, params: Params) {
        self.batch = batch
        shapes = YAMNetLayers.shapes(batch: batch, params: params)
        let input = NHWC(n: batch, h: params.patchFrames, w: params.patchBands, c: 1)
        // A separable row writes its depthwise output (input channels) before its pointwise one.
        var largest = 0, previous = input
        for shape in shapes {
            largest = max(largest, shape.count, shape.n * shape.h * shape.w * previous.c)
            previous = shape
        }
        patches = .allocate(capacity: input.count)
        ping = .allocate(capacity: largest)
        pong = .allocate(capacity: largest)
        scratch = .allocate(capacity: conv2d3x3ScratchCount(input, stride: YAMNetLayers.table[0].stride))
        embeddings = .allocate(capacity: batch * params.embeddingSize)
        logits = .allocate(capacity: batch * params.numClasses)
        scores = .allocate(capacity: batch * params.numClasses)
    }

    deinit {
        for p in [patches, ping, pong, scratch, embeddings, logits, scores] { p.deallocate() }
    }
}
