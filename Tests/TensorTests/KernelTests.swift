import Testing
import TestSupport
import Tensor

/// Fast kernels against their naive twins on random data with odd sizes.
///
/// Tolerance: max |fast − naive| ≤ 1e-5 · max |naive| (relative to the output's scale). The
/// naive twins accumulate in double; a float32 dot product of K terms carries at most ~K·2⁻²⁴
/// relative rounding in the worst case and ~√K·2⁻²⁴ typically, i.e. ≤ 2e-6 for the K ≤ 9·64
/// used here, so 1e-5 catches any indexing or padding mistake (those give O(1) errors) while
/// tolerating the different summation order of BLAS.
@Suite struct KernelTests {
    static let shapes: [(NHWC, Int)] = [
        (NHWC(n: 1, h: 9, w: 7, c: 3), 1), (NHWC(n: 1, h: 9, w: 7, c: 3), 2),
        (NHWC(n: 7, h: 5, w: 6, c: 13), 1), (NHWC(n: 7, h: 5, w: 6, c: 13), 2),
        (NHWC(n: 2, h: 96, w: 64, c: 1), 2), (NHWC(n: 3, h: 4, w: 3, c: 40), 2),
        (NHWC(n: 1, h: 1, w: 1, c: 17), 1), (NHWC(n: 2, h: 2, w: 1, c: 8), 2),
    ]

    static let tolerance = 1e-5

    /// Every kernel variant this machine runs (baseline, and AVX2 / AVX-512 where the CPU has them).
    static let variants = KernelVariant.supportedHere

    @Test(arguments: shapes)
    func conv2d(shape: NHWC, stride: Int) {
        var random = TestRandom(seed: UInt64(shape.count * 31 + stride))
        for cout in [5, 21] {      // below one vector; vectors and a remainder
            let input = random.array(shape.count), kernel = random.array(9 * shape.c * cout), bias = random.array(cout)
            let scales = random.array(cout)
            let o = conv3x3OutputShape(shape, stride: stride, channels: cout)
            for variant in Self.variants {
                for (relu, threads, scale) in [(false, 1, nil), (true, 2, nil), (true, 1, scales)] as [(Bool, Int, [Float]?)] {
                    var fast = [Float](repeating: .nan, count: o.count), naive = fast
                    withPointer(scale) { scale in
                        conv2d3x3Forward(out: &fast, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                         outChannels: cout, stride: stride, relu: relu, threads: threads, variant: variant)
                        conv2d3x3Naive(out: &naive, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                       outChannels: cout, stride: stride, relu: relu)
                    }
                    let d = Difference(fast, naive)
                    #expect(d.relative <= Self.tolerance,
                            "conv2d \(variant) \(shape) → \(cout) stride \(stride) relu \(relu) threads \(threads) scaled \(scale != nil): \(d)")
                }
            }
        }
    }

    @Test(arguments: shapes)
    func depthwise(shape: NHWC, stride: Int) {
        var random = TestRandom(seed: UInt64(shape.count * 17 + stride))
        let input = random.array(shape.count), kernel = random.array(9 * shape.c), bias = random.array(shape.c)
        let scales = random.array(shape.c)
        let o = conv3x3OutputShape(shape, stride: stride, channels: shape.c)
        for variant in Self.variants {
            for (relu, threads, scale) in [(false, 1, nil), (true, 1, nil), (true, 2, nil), (false, 1, scales), (true, 2, scales)] as [(Bool, Int, [Float]?)] {
                var fast = [Float](repeating: .nan, count: o.count), naive = fast
                withPointer(scale) { scale in
                    depthwiseConv3x3Forward(out: &fast, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                            stride: stride, relu: relu, threads: threads, variant: variant)
                    depthwiseConv3x3Naive(out: &naive, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                          stride: stride, relu: relu)
                }
                let d = Difference(fast, naive)
                #expect(d.relative <= Self.tolerance, "depthwise \(variant) \(shape) stride \(stride) relu \(relu) threads \(threads) scaled \(scale != nil): \(d)")
            }
        }
    }

    /// Variant choice from the CPU's flags: AVX2 needs FMA; AVX-512 needs F, BW, DQ and VL on top.
    @Test func variantsFollowCPUFlags() {
        #if arch(x86_64)
        #expect(KernelVariant.supported(cpuFlags: []) == [.baseline])
        #expect(KernelVariant.supported(cpuFlags: ["avx2"]) == [.baseline])
        #expect(KernelVariant.supported(cpuFlags: ["avx2", "fma"]) == [.baseline, .avx2])
        #expect(KernelVariant.supported(cpuFlags: ["avx2", "fma", "avx512f"]) == [.baseline, .avx2])
        #expect(KernelVariant.supported(cpuFlags: ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"])
                == [.baseline, .avx2, .avx512])
        #else
        #expect(KernelVariant.supported(cpuFlags: ["avx2", "fma"]) == [.baseline])
        #endif
        #expect(KernelVariant.supportedHere.contains(KernelVariant.active))
    }

    @Test(arguments: shapes)
    func pointwise(shape: NHWC, stride: Int) {
        var random = TestRandom(seed: UInt64(shape.count * 7 + stride))
        let cout = 11 * stride
        let input = random.array(shape.count), kernel = random.array(shape.c * cout), bias = random.array(cout)
        let scales = random.array(cout)
        for (scale, threads) in [(nil, 1), (scales, 1), (scales, 2)] as [([Float]?, Int)] {
            var fast = [Float](repeating: .nan, count: shape.n * shape.h * shape.w * cout), naive = fast
            withPointer(scale) { scale in
                pointwiseConvForward(out: &fast, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                     outChannels: cout, relu: true, threads: threads)
                pointwiseConvNaive(out: &naive, input: input, shape: shape, kernel: kernel, scale: scale, bias: bias,
                                   outChannels: cout, relu: true)
            }
            let d = Difference(fast, naive)
            #expect(d.relative <= Self.tolerance, "pointwise \(shape) scaled \(scale != nil) threads \(threads): \(d)")
        }
    }

    @Test(arguments: [1, 7])
    func dense(batch: Int) {
        var random = TestRandom(seed: UInt64(batch))
        let inputs = 1024, units = 521
        let input = random.array(batch * inputs), kernel = random.array(inputs * units), bias = random.array(units)
        var fast = [Float](repeating: .nan, count: batch * units), naive = fast
        denseForward(out: &fast, input: input, batch: batch, inputs: inputs, kernel: kernel, bias: bias, units: units)
        denseNaive(out: &naive, input: input, batch: batch, inputs: inputs, kernel: kernel, bias: bias, units: units)
        let d = Difference(fast, naive)
        #expect(d.relative <= Self.tolerance, "dense batch \(batch): \(d)")
    }

    @Test func samePaddingFollowsTensorFlow() {
        #expect(samePadding(input: 96, kernel: 3, stride: 2) == (48, 0))   // odd total: extra at the end
        #expect(samePadding(input: 96, kernel: 3, stride: 1) == (96, 1))
        #expect(samePadding(input: 3, kernel: 3, stride: 2) == (2, 1))
        #expect(samePadding(input: 7, kernel: 3, stride: 2) == (4, 1))
        #expect(samePadding(input: 1, kernel: 3, stride: 1) == (1, 1))
    }

    @Test func poolingAndSigmoid() {
        let input: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]     // [1, 2, 2, 2]
        var out = [Float](repeating: 0, count: 2)
        globalAveragePool(out: &out, input: input, shape: NHWC(n: 1, h: 2, w: 2, c: 2))
        #expect(out == [4, 5])
        var s: [Float] = [0, 100, -100]
        sigmoid(out: &s, input: s, count: 3)
        #expect(s[0] == 0.5 && s[1] == 1 && s[2] < 1e-30)
    }
}

/// `body` with `array`'s storage, or with nil: the kernels' optional per-channel scale.
private func withPointer(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> Void) {
    guard let array else { return body(nil) }
    array.withUnsafeBufferPointer { body($0.baseAddress) }
}
