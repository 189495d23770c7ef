import KernelABI

/// Dimensions of an NHWC activation.
public struct NHWC: Sendable, Equatable, CustomStringConvertible {
    public var n: Int, h: Int, w: Int, c: Int
    public init(n: Int, h: Int, w: Int, c: Int) { self.n = n; self.h = h; self.w = w; self.c = c }
    public var count: Int { n * h * w * c }
    public var description: String { "[\(n), \(h), \(w), \(c)]" }
}

/// TensorFlow "SAME" padding along one axis: output = ceil(input / stride); the total padding
/// max((output − 1)·stride + kernel − input, 0) is split with the odd extra at the end
/// (bottom/right). ref: tensorflow/core/framework/kernel_shape_util.cc, GetWindowedOutputSize
public func samePadding(input: Int, kernel: Int, stride: Int) -> (output: Int, before: Int) {
    let output = (input + stride - 1) / stride
    let total = max((output - 1) * stride + kernel - input, 0)
    return (output, total / 2)
}

/// Output dimensions of a 3×3 SAME convolution with `stride` and `channels` output channels.
public func conv3x3OutputShape(_ input: NHWC, stride: Int, channels: Int) -> NHWC {
    NHWC(n: input.n, h: samePadding(input: input.h, kernel: 3, stride: stride).output,
         w: samePadding(input: input.w, kernel: 3, stride: stride).output, c: channels)
}

/// The kernels' geometry record for a 3×3 SAME convolution of `input` with `stride`.
func conv3x3Geometry(_ input: NHWC, stride: Int) -> Conv3x3Geometry {
    let o = conv3x3OutputShape(input, stride: stride, channels: input.c)
    return Conv3x3Geometry(n: input.n, h: input.h, w: input.w, c: input.c, outH: o.h, outW: o.w, stride: stride,
                           top: samePadding(input: input.h, kernel: 3, stride: stride).before,
                           left: samePadding(input: input.w, kernel: 3, stride: stride).before)
}
