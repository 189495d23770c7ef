import KernelABI

/// Output rows `rows` (row = n·outH + oh) of a depthwise 3×3 convolution (`DepthwiseArgs`),
/// `Lanes.scalarCount` channels per vector: interior pixels run the nine taps unchecked, border pixels
/// only the taps inside the image; channels past the last full vector run scalar. Index arithmetic
/// wraps (&+, &*): offsets are bounded by the buffer sizes, and overflow checks cost more than the
/// arithmetic. ref: Keras DepthwiseConv2D; MobileNet v1 (Howard et al. 2017); XNNPACK dwconv.
func depthwiseRows(_ a: DepthwiseArgs, _ rows: Range<Int>) {
    let g = a.geometry, c = g.c, width = Lanes.scalarCount, vectorEnd = c - c % width
    let (input, kernel, out) = (a.input, a.kernel, a.out)
    // The sum starts from the bias without a scale; with one, scale and bias follow the sum.
    let initial = a.scale == nil ? a.bias : nil, after = a.scale == nil ? nil : a.bias
    let rowStride = g.w &* c
    for row in rows {
        let n = row / g.outH, oh = row % g.outH
        let ih0 = oh &* g.stride &- g.top
        let rowInside = ih0 >= 0 && ih0 &+ 2 < g.h
        for ow in 0..<g.outW {
            let outPixel: Int = (n &* g.outH &+ oh) &* g.outW &+ ow
            let y = out + outPixel &* c
            let iw0 = ow &* g.stride &- g.left
            var ch = 0
            if rowInside && iw0 >= 0 && iw0 &+ 2 < g.w {
                // Interior pixel: all nine taps in bounds, no checks.
                let pixel: Int = (n &* g.h &+ ih0) &* g.w &+ iw0
                let x0 = input + pixel &* c
                while ch < vectorEnd {
                    var acc: Lanes = initial.map { load($0 + ch) } ?? Lanes()
                    var x = x0 + ch, k = kernel + ch
                    for _ in 0..<3 {
                        acc = madd(acc, load(x), load(k))
                        acc = madd(acc, load(x + c), load(k + c))
                        acc = madd(acc, load(x + c &* 2), load(k + c &* 2))
                        x += rowStride; k += c &* 3
                    }
                    store(finish(acc, ch: ch, scale: a.scale, bias: after, relu: a.relu), y + ch)
                    ch &+= width
                }
                guard ch < c else { continue }
            }
            // Border pixels (and channels past the last full vector): only the taps inside the image.
            let khLo = max(0, -ih0), khHi = min(3, g.h &- ih0), kwLo = max(0, -iw0), kwHi = min(3, g.w &- iw0)
            while ch < vectorEnd {
                var acc: Lanes = initial.map { load($0 + ch) } ?? Lanes()
                for kh in khLo..<khHi {
                    for kw in kwLo..<kwHi {
                        let pixel: Int = (n &* g.h &+ ih0 &+ kh) &* g.w &+ iw0 &+ kw
                        let tap: Int = (kh &* 3 &+ kw) &* c
                        acc = madd(acc, load(input + (pixel &* c &+ ch)), load(kernel + (tap &+ ch)))
                    }
                }
                store(finish(acc, ch: ch, scale: a.scale, bias: after, relu: a.relu), y + ch)
                ch &+= width
            }
            while ch < c {
                var acc = initial?[ch] ?? 0
                for kh in khLo..<khHi {
                    for kw in kwLo..<kwHi {
                        let pixel: Int = (n &* g.h &+ ih0 &+ kh) &* g.w &+ iw0 &+ kw
                        let tap: Int = (kh &* 3 &+ kw) &* c
                        acc += input[pixel &* c &+ ch] * kernel[tap &+ ch]
                    }
                }
                y[ch] = finish(acc, ch: ch, scale: a.scale, bias: after, relu: a.relu)
                ch &+= 1
            }
        }
    }
}
