import KernelABI

/// Output rows `rows` (row = n·outH + oh) of a direct 3×3 convolution (`ConvArgs`): for each output
/// pixel, its 9·Cin input values are gathered once (zeros outside the image), then each block of
/// `Lanes.scalarCount` output channels sums value × kernel row over them (broadcast multiply-add,
/// kernel rows contiguous) and runs the epilogue (scale, bias, ReLU) in registers. No im2col
/// buffer: with few input channels (YAMNet's row 1 has one) a GEMM over K = 9·Cin runs far below
/// the machine's peak. Output channels past the last full vector run scalar.
/// ref: Keras Conv2D (HWIO kernels, SAME padding); XNNPACK conv-hwc.
func convRows(_ a: ConvArgs, _ rows: Range<Int>) {
    let g = a.geometry, cin = g.c, cout = a.outChannels, width = Lanes.scalarCount, vectorEnd = cout - cout % width
    let (input, kernel, out) = (a.input, a.kernel, a.out)
    let initial = a.scale == nil ? a.bias : nil, after = a.scale == nil ? nil : a.bias
    let taps = 9 &* cin
    withUnsafeTemporaryAllocation(of: Float.self, capacity: taps) { xs in
        let x = xs.baseAddress!
        for row in rows {
            let n = row / g.outH, oh = row % g.outH
            let ih0 = oh &* g.stride &- g.top
            for ow in 0..<g.outW {
                let iw0 = ow &* g.stride &- g.left
                for kh in 0..<3 {
                    let ih = ih0 &+ kh
                    for kw in 0..<3 {
                        let iw = iw0 &+ kw, dst = x + (kh &* 3 &+ kw) &* cin
                        let inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w
                        let pixel: Int = (n &* g.h &+ ih) &* g.w &+ iw
                        // Element by element: for the usual one or few channels a memmove call costs more.
                        for ci in 0..<cin { dst[ci] = inside ? input[pixel &* cin &+ ci] : 0 }
                    }
                }
                let outPixel: Int = (n &* g.outH &+ oh) &* g.outW &+ ow
                let y = out + outPixel &* cout
                var co = 0
                while co < vectorEnd {
                    var acc: Lanes = initial.map { load($0 + co) } ?? Lanes()
                    var k = kernel + co
                    for t in 0..<taps {
                        acc = madd(acc, Lanes(repeating: x[t]), load(k))
                        k += cout
                    }
                    store(finish(acc, ch: co, scale: a.scale, bias: after, relu: a.relu), y + co)
                    co &+= width
                }
                while co < cout {
                    var acc = initial?[co] ?? 0
                    for t in 0..<taps { acc += x[t] * kernel[t &* cout &+ co] }
                    y[co] = finish(acc, ch: co, scale: a.scale, bias: after, relu: a.relu)
                    co &+= 1
                }
            }
        }
    }
}
