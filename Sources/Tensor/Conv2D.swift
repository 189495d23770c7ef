import KernelABI

/// 3×3 convolution, SAME padding, stride 1 or 2, NHWC, with scale, bias and optional ReLU fused:
/// out = act(conv(input, kernel) · scale + bias) (without `scale` the sum starts from the bias).
///
/// input [N, H, W, Cin]; kernel [3, 3, Cin, Cout] (HWIO, TensorFlow's layout); scale, bias [Cout];
/// out [N, Ho, Wo, Cout] with Ho = ceil(H/stride), Wo = ceil(W/stride).
/// Direct convolution (`KernelTable.convRows` of `variant`), output rows spread over `threads`
/// threads: meant for few input channels (YAMNet's row 1 has one), where im2col + GEMM over
/// K = 9·Cin ran at ~6 GFLOP/s (issue 14). ref: Keras Conv2D.
public func conv2d3x3Forward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                             shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                             bias: UnsafePointer<Float>?, outChannels: Int, stride: Int, relu: Bool,
                             threads: Int = 1, variant: KernelVariant = .active) {
    let g = conv3x3Geometry(shape, stride: stride)
    let args = ConvArgs(out: out, input: input, kernel: kernel, scale: scale, bias: bias, geometry: g,
                        outChannels: outChannels, relu: relu)
    let table = variant.table
    parallelBlocks(g.n * g.outH, threads: threads) { rows in table.convRows(args, rows) }
}

/// The naive twin of `conv2d3x3Forward`: direct loops, double accumulation.
public func conv2d3x3Naive(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                           shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                           bias: UnsafePointer<Float>?, outChannels: Int, stride: Int, relu: Bool) {
    let o = conv3x3OutputShape(shape, stride: stride, channels: outChannels)
    let top = samePadding(input: shape.h, kernel: 3, stride: stride).before
    let left = samePadding(input: shape.w, kernel: 3, stride: stride).before
    for n in 0..<o.n { for oh in 0..<o.h { for ow in 0..<o.w { for co in 0..<outChannels {
        var sum = 0.0
        for kh in 0..<3 { for kw in 0..<3 {
            let ih = oh * stride - top + kh, iw = ow * stride - left + kw
            guard ih >= 0, ih < shape.h, iw >= 0, iw < shape.w else { continue }
            for ci in 0..<shape.c {
                sum += Double(input[((n * shape.h + ih) * shape.w + iw) * shape.c + ci])
                    * Double(kernel[((kh * 3 + kw) * shape.c + ci) * outChannels + co])
            }
        } }
        let v = Float(sum * Double(scale?[co] ?? 1) + Double(bias?[co] ?? 0))
        out[((n * o.h + oh) * o.w + ow) * outChannels + co] = relu ? max(v, 0) : v
    } } } }
}
