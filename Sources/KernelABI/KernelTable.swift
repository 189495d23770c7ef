/// The contract between `Tensor` and the three builds of its inner loops (`Kernels`,
/// `KernelsAVX2`, `KernelsAVX512`: one source, compiled for baseline, Haswell and Skylake-AVX512
/// CPUs). Each build exports one `KernelTable`; `Tensor` picks one at run time from the CPU's
/// features (`KernelVariant`), so the one binary runs on any x86-64 or arm64 machine.
/// ref: whisper.cpp / ggml, ggml-cpu variants chosen by cpuid; XNNPACK's per-ISA microkernels.
public struct KernelTable: Sendable {
    /// "baseline", "avx2" or "avx512".
    public let name: String
    /// Floats per vector in this build's loops (8, or 16 with AVX-512).
    public let lanes: Int
    /// Output rows `rows` (row = n·Ho + oh) of a depthwise 3×3 convolution.
    public let depthwiseRows: @Sendable (DepthwiseArgs, Range<Int>) -> Void
    /// Output rows `rows` of a direct 3×3 convolution (for few input channels, as in YAMNet's row 1).
    public let convRows: @Sendable (ConvArgs, Range<Int>) -> Void
    /// x = max(x, 0) for `count` values.
    public let relu: @Sendable (UnsafeMutablePointer<Float>, Int) -> Void

    public init(name: String, lanes: Int, depthwiseRows: @escaping @Sendable (DepthwiseArgs, Range<Int>) -> Void,
                convRows: @escaping @Sendable (ConvArgs, Range<Int>) -> Void,
                relu: @escaping @Sendable (UnsafeMutablePointer<Float>, Int) -> Void) {
        (self.name, self.lanes, self.depthwiseRows, self.convRows, self.relu) = (name, lanes, depthwiseRows, convRows, relu)
    }
}

/// Geometry of a 3×3 SAME convolution, NHWC: input [n, h, w, c] → output [n, outH, outW, ·]
/// with the padding before the first row (`top`) and column (`left`).
public struct Conv3x3Geometry: Sendable, Equatable {
    public var n: Int, h: Int, w: Int, c: Int
    public var outH: Int, outW: Int, stride: Int, top: Int, left: Int
    public init(n: Int, h: Int, w: Int, c: Int, outH: Int, outW: Int, stride: Int, top: Int, left: Int) {
        (self.n, self.h, self.w, self.c) = (n, h, w, c)
        (self.outH, self.outW, self.stride, self.top, self.left) = (outH, outW, stride, top, left)
    }
}

/// A depthwise 3×3 convolution (depth multiplier 1): out = act(dwconv(input, kernel) · scale + bias),
/// or act(dwconv + bias) without `scale`. kernel [3, 3, c]; scale, bias [c]; out [n, outH, outW, c].
/// Pointers are read-only except `out`, whose rows the callers of `depthwiseRows` split between
/// threads, so the record may cross threads (`@unchecked Sendable`).
public struct DepthwiseArgs: @unchecked Sendable {
    public var out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>
    public var scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?
    public var geometry: Conv3x3Geometry, relu: Bool
    public init(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
                scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, geometry: Conv3x3Geometry, relu: Bool) {
        (self.out, self.input, self.kernel, self.scale, self.bias) = (out, input, kernel, scale, bias)
        (self.geometry, self.relu) = (geometry, relu)
    }
}

/// A 3×3 convolution: out = act(conv(input, kernel) · scale + bias) (or + bias only without `scale`).
/// kernel [3, 3, c, outChannels] (HWIO); scale, bias [outChannels]; out [n, outH, outW, outChannels].
/// Sendable on the terms of `DepthwiseArgs`.
public struct ConvArgs: @unchecked Sendable {
    public var out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>
    public var scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?
    public var geometry: Conv3x3Geometry, outChannels: Int, relu: Bool
    public init(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, kernel: UnsafePointer<Float>,
                scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, geometry: Conv3x3Geometry,
                outChannels: Int, relu: Bool) {
        (self.out, self.input, self.kernel, self.scale, self.bias) = (out, input, kernel, scale, bias)
        (self.geometry, self.outChannels, self.relu) = (geometry, outChannels, relu)
    }
}
