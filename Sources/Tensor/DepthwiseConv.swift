import KernelABI

/// Depthwise 3×3 convolution (depth multiplier 1), SAME padding, stride 1 or 2, NHWC, with scale,
/// bias and optional ReLU fused: out = act(dwconv(input, kernel) · scale + bias) (without `scale`
/// the sum starts from the bias).
///
/// input [N, H, W, C]; kernel [3, 3, C] (TensorFlow's [3, 3, C, 1]); scale, bias [C];
/// out [N, Ho, Wo, C]. BLAS has no such op: the loops are `KernelTable.depthwiseRows` of
/// `variant` (the CPU's widest by default), output rows spread over `threads` threads.
/// ref: Keras DepthwiseConv2D; MobileNet v1 (Howard et al. 2017).
public func depthwiseConv3x3Forward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                    shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                                    bias: UnsafePointer<Float>?, stride: Int, relu: Bool,
                                    threads: Int = 1, variant: KernelVariant = .active) {
    let g = conv3x3Geometry(shape, stride: stride)
    let args = DepthwiseArgs(out: out, input: input, kernel: kernel, scale: scale, bias: bias, geometry: g, relu: relu)
    let table = variant.table
    parallelBlocks(g.n * g.outH, threads: threads) { rows in table.depthwiseRows(args, rows) }
}

/// The naive twin of `depthwiseConv3x3Forward`: direct loops, double accumulation.
public func depthwiseConv3x3Naive(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                  shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                                  bias: UnsafePointer<Float>?, stride: Int, relu: Bool) {
    let o = conv3x3OutputShape(shape, stride: stride, channels: shape.c)
    let top = samePadding(input: shape.h, kernel: 3, stride: stride).before
    let left = samePadding(input: shape.w, kernel: 3, stride: stride).before
    for n in 0..<o.n { for oh in 0..<o.h { for ow in 0..<o.w { for ch in 0..<shape.c {
        var sum = 0.0
        for kh in 0..<3 { for kw in 0..<3 {
            let ih = oh * stride - top + kh, iw = ow * stride - left + kw
            guard ih >= 0, ih < shape.h, iw >= 0, iw < shape.w else { continue }
            sum += Double(input[((n * shape.h + ih) * shape.w + iw) * shape.c + ch])
                * Double(kernel[(kh * 3 + kw) * shape.c + ch])
        } }
        let v = Float(sum * Double(scale?[ch] ?? 1) + Double(bias?[ch] ?? 0))
        out[((n * o.h + oh) * o.w + ow) * shape.c + ch] = relu ? max(v, 0) : v
    } } } }
}
