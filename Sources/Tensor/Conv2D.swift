/// 3×3 convolution, SAME padding, stride 1 or 2, NHWC, with scale, bias and optional ReLU fused:
/// out = act(conv(input, kernel) · scale + bias).
///
/// input [N, H, W, Cin]; kernel [3, 3, Cin, Cout] (HWIO, TensorFlow's layout); scale, bias [Cout];
/// out [N, Ho, Wo, Cout] with Ho = ceil(H/stride), Wo = ceil(W/stride).
/// Fast path: im2col into `scratch` ([N·Ho·Wo, 9·Cin], see `conv2d3x3ScratchCount`) and one
/// `sgemm` against the kernel viewed as [9·Cin, Cout], rows split over `threads` threads.
/// ref: llm.c, matmul_forward; Keras Conv2D.
public func conv2d3x3Forward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                             shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                             bias: UnsafePointer<Float>?, outChannels: Int, stride: Int, relu: Bool,
                             scratch: UnsafeMutablePointer<Float>, threads: Int = 1) {
    let o = conv3x3OutputShape(shape, stride: stride, channels: outChannels)
    let top = samePadding(input: shape.h, kernel: 3, stride: stride).before
    let left = samePadding(input: shape.w, kernel: 3, stride: stride).before
    // im2col; wrapping index arithmetic (offsets are bounded by the buffer sizes).
    let cin = shape.c, cols = 9 * cin
    for n in 0..<o.n {
        for oh in 0..<o.h {
            for ow in 0..<o.w {
                let row = scratch + ((n &* o.h &+ oh) &* o.w &+ ow) &* cols
                for kh in 0..<3 {
                    let ih = oh &* stride &- top &+ kh
                    for kw in 0..<3 {
                        let iw = ow &* stride &- left &+ kw
                        let dst = row + (kh &* 3 &+ kw) &* cin
                        let inside = ih >= 0 && ih < shape.h && iw >= 0 && iw < shape.w
                        let src = input + (((n &* shape.h &+ ih) &* shape.w &+ iw) &* cin)
                        for ci in 0..<cin { dst[ci] = inside ? src[ci] : 0 }
                    }
                }
            }
        }
    }
    gemmBiasActivation(m: o.n * o.h * o.w, n: outChannels, k: cols, a: scratch, b: kernel, out: out,
                       scale: scale, bias: bias, relu: relu, threads: threads)
}

/// Floats of scratch space `conv2d3x3Forward` needs.
public func conv2d3x3ScratchCount(_ shape: NHWC, stride: Int) -> Int {
    let o = conv3x3OutputShape(shape, stride: stride, channels: 1)
    return o.n * o.h * o.w * 9 * shape.c
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
