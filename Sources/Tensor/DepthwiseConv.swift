/// Depthwise 3×3 convolution (depth multiplier 1), SAME padding, stride 1 or 2, NHWC, with scale,
/// bias and optional ReLU fused: out = act(dwconv(input, kernel) · scale + bias) (without `scale`
/// the sum starts from the bias).
///
/// input [N, H, W, C]; kernel [3, 3, C] (TensorFlow's [3, 3, C, 1]); scale, bias [C];
/// out [N, Ho, Wo, C]. BLAS has no such op, so the fast path is hand-written SIMD: eight
/// channels per vector; interior pixels run the nine taps unchecked, border pixels only the taps
/// inside the image; output rows are spread over `threads` threads. Index arithmetic wraps
/// (&+, &*): offsets are bounded by the buffer sizes, and overflow checks cost more than the
/// arithmetic itself. ref: Keras DepthwiseConv2D; MobileNet v1 (Howard et al. 2017).
public func depthwiseConv3x3Forward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                                    shape: NHWC, kernel: UnsafePointer<Float>, scale: UnsafePointer<Float>? = nil,
                                    bias: UnsafePointer<Float>?, stride: Int, relu: Bool,
                                    threads: Int = 1) {
    let o = conv3x3OutputShape(shape, stride: stride, channels: shape.c)
    let top = samePadding(input: shape.h, kernel: 3, stride: stride).before
    let left = samePadding(input: shape.w, kernel: 3, stride: stride).before
    let c = shape.c, vectorEnd = c - c % 8
    // Sendable wrappers for the raw pointers shared read-only / by disjoint rows.
    let src = UInt(bitPattern: input), dst = UInt(bitPattern: out)
    let k = UInt(bitPattern: kernel), b = bias.map { UInt(bitPattern: $0) }, sc = scale.map { UInt(bitPattern: $0) }
    let rows = o.n * o.h
    let body: @Sendable (Int) -> Void = { row in
        let input = UnsafePointer<Float>(bitPattern: src)!, out = UnsafeMutablePointer<Float>(bitPattern: dst)!
        let kernel = UnsafePointer<Float>(bitPattern: k)!, bias = b.flatMap { UnsafePointer<Float>(bitPattern: $0) }
        let scale = sc.flatMap { UnsafePointer<Float>(bitPattern: $0) }
        // The sum starts from the bias without a scale; with one, scale and bias follow the sum.
        let initial = scale == nil ? bias : nil, after = scale == nil ? nil : bias
        let n = row / o.h, oh = row % o.h
        let ih0 = oh &* stride &- top
        let rowInside = ih0 >= 0 && ih0 &+ 2 < shape.h
        let zero = SIMD8<Float>(repeating: 0)
        for ow in 0..<o.w {
            let y = out + ((n &* o.h &+ oh) &* o.w &+ ow) &* c
            let iw0 = ow &* stride &- left
            var ch = 0
            if rowInside && iw0 >= 0 && iw0 &+ 2 < shape.w {
                // Interior pixel: all nine taps in bounds, no checks.
                var x0 = input + ((n &* shape.h &+ ih0) &* shape.w &+ iw0) &* c
                let rowStride = shape.w &* c
                var k = kernel
                while ch < vectorEnd {
                    var acc = initial.map { load8($0 + ch) } ?? zero
                    var x = x0, kk = k
                    for _ in 0..<3 {
                        acc += load8(x) * load8(kk)
                        acc += load8(x + c) * load8(kk + c)
                        acc += load8(x + c &* 2) * load8(kk + c &* 2)
                        x += rowStride; kk += c &* 3
                    }
                    if let scale { acc = acc * load8(scale + ch) + (after.map { load8($0 + ch) } ?? zero) }
                    if relu { acc.replace(with: zero, where: acc .< zero) }
                    UnsafeMutableRawPointer(y + ch).storeBytes(of: acc, as: SIMD8<Float>.self)
                    ch &+= 8; x0 += 8; k += 8
                }
            }
            guard ch < c else { continue }
            // Border pixels (and channels past the last block of 8): only the taps inside the
            // image, as (input offset, kernel offset) pairs.
            withUnsafeTemporaryAllocation(of: (Int, Int).self, capacity: 9) { taps in
                var count = 0
                for kh in 0..<3 where ih0 &+ kh >= 0 && ih0 &+ kh < shape.h {
                    for kw in 0..<3 where iw0 &+ kw >= 0 && iw0 &+ kw < shape.w {
                        taps[count] = (((n &* shape.h &+ ih0 &+ kh) &* shape.w &+ iw0 &+ kw) &* c, (kh &* 3 &+ kw) &* c)
                        count &+= 1
                    }
                }
                while ch < vectorEnd {
                    var acc = initial.map { load8($0 + ch) } ?? zero
                    for t in 0..<count { acc += load8(input + (taps[t].0 &+ ch)) * load8(kernel + (taps[t].1 &+ ch)) }
                    if let scale { acc = acc * load8(scale + ch) + (after.map { load8($0 + ch) } ?? zero) }
                    if relu { acc.replace(with: zero, where: acc .< zero) }
                    UnsafeMutableRawPointer(y + ch).storeBytes(of: acc, as: SIMD8<Float>.self)
                    ch &+= 8
                }
                while ch < c {
                    var acc = initial?[ch] ?? 0
                    for t in 0..<count { acc += input[taps[t].0 &+ ch] * kernel[taps[t].1 &+ ch] }
                    if let scale { acc = acc * scale[ch] + (after?[ch] ?? 0) }
                    y[ch] = relu ? max(acc, 0) : acc
                    ch &+= 1
                }
            }
        }
    }
    parallelFor(rows, threads: threads, body)
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
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
