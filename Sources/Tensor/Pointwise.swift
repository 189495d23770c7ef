/// Pointwise (1×1) convolution: one `sgemm` over all N·H·W positions of the batch,
/// [N·H·W, Cin] · [Cin, Cout], with scale, bias and optional ReLU fused (`gemmBiasActivation`).
/// input [N, H, W, Cin]; kernel [Cin, Cout] (TensorFlow's [1, 1, Cin, Cout]); scale, bias [Cout];
/// out [N, H, W, Cout].
/// Rows are split over `threads` threads (see `gemmBiasActivation`).
public func pointwiseConvForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                 shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                                 bias: UnsafePointer<Float>?, outChannels: Int, relu: Bool,
                                 threads: Int = 1) {
    gemmBiasActivation(m: shape.n * shape.h * shape.w, n: outChannels, k: shape.c, a: input, b: kernel,
                       out: out, scale: scale, bias: bias, relu: relu, threads: threads)
}

/// The naive twin of `pointwiseConvForward`.
public func pointwiseConvNaive(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                               shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                               bias: UnsafePointer<Float>?, outChannels: Int, relu: Bool) {
    let rows = shape.n * shape.h * shape.w
    if let scale {
        sgemmNaive(m: rows, n: outChannels, k: shape.c, a: input, b: kernel, c: out)
        scaleBiasActivation(out, rows: rows, cols: outChannels, scale: scale, bias: bias, relu: relu)
        return
    }
    if let bias { fillRows(out, rows: rows, with: bias, cols: outChannels) }
    sgemmNaive(m: rows, n: outChannels, k: shape.c, a: input, b: kernel, c: out, accumulate: bias != nil)
    if relu { for i in 0..<(rows * outChannels) { out[i] = max(out[i], 0) } }
}
