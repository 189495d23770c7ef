import KernelABI

/// Output rows `rows` (row = n·outH + oh) of a direct 3×3 convolution (`ConvArgs`): for each output
/// pixel and each block of `Lanes.scalarCount` output channels, every tap inside the image adds
/// input value × kernel row (broadcast multiply-add), then the epilogue (scale, bias, ReLU) runs in
/// registers. No im2col buffer: with few input channels (YAMNet's row 1 has one) a GEMM over K = 9
/// runs far below the machine's peak. Output channels past the last full vector run scalar.
/// ref: Keras Conv2D (HWIO kernels, SAME padding); XNNPACK conv-hwc.
func convRows(_ a: ConvArgs, _ rows: Range<Int>) {
    let g = a.geometry, cin = g.c, cout = a.outChannels, width = Lanes.scalarCount, vectorEnd = cout - cout % width
    let (input, kernel, out) = (a.input, a.kernel, a.out)
    let initial = a.scale == nil ? a.bias : nil, after = a.scale == nil ? nil : a.bias
    for row in rows {
        let n = row / g.outH, oh = row % g.outH
        let ih0 = oh &* g.stride &- g.top
        let khLo = max(0, -ih0), khHi = min(3, g.h &- ih0)
        for ow in 0..<g.outW {
            let outPixel: Int = (n &* g.outH &+ oh) &* g.outW &+ ow
            let y = out + outPixel &* cout
            let iw0 = ow &* g.stride &- g.left
            let kwLo = max(0, -iw0), kwHi = min(3, g.w &- iw0)
            var co = 0
            while co < vectorEnd {
                var acc: Lanes = initial.map { load($0 + co) } ?? Lanes()
                for kh in khLo..<khHi {
                    for kw in kwLo..<kwHi {
                        let pixel: Int = (n &* g.h &+ ih0 &+ kh) &* g.w &+ iw0 &+ kw
                        let x = input + pixel &* cin
                        var k = kernel + ((kh &* 3 &+ kw) &* cin &* cout &+ co)
                        for ci in 0..<cin {
                            acc = madd(acc, Lanes(repeating: x[ci]), load(k))
                            k += cout
                        }
                    }
                }
                store(finish(acc, ch: co, scale: a.scale, bias: after, relu: a.relu), y + co)
                co &+= width
            }
            while co < cout {
                var acc = initial?[co] ?? 0
                for kh in khLo..<khHi {
                    for kw in kwLo..<kwHi {
                        let pixel: Int = (n &* g.h &+ ih0 &+ kh) &* g.w &+ iw0 &+ kw
                        let x = input + pixel &* cin
                        for ci in 0..<cin {
                            let tap: Int = (kh &* 3 &+ kw) &* cin &+ ci
                            acc += x[ci] * kernel[tap &* cout &+ co]
                        }
                    }
                }
                if let scale = a.scale { acc = acc * scale[co] + (after?[co] ?? 0) }
                y[co] = a.relu ? max(acc, 0) : acc
                co &+= 1
            }
        }
    }
}
