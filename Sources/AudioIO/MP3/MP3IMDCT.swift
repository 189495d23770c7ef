import Foundation

/// Alias reduction, the inverse MDCT with its windows and overlap-add, and frequency inversion:
/// the hybrid filter bank's synthesis half, from 576 lines to 18 samples in each of 32 subbands.
///
/// - Alias reduction: butterflies across each subband boundary with `cs = 1/√(1 + c²)`,
///   `ca = c/√(1 + c²)`, `c = −0.6, −0.535, −0.33, −0.185, −0.095, −0.041, −0.0142, −0.0037`; not
///   for short blocks, and only between subbands 0 and 1 for mixed blocks.
///   ref: ISO/IEC 11172-3 §2.4.3.4 (alias reduction), Table B.9
/// - IMDCT: `x_i = Σ_k X_k cos(π/(2n) · (2i + 1 + n/2)(2k + 1))`, n = 36 (long) or 12 (each of a
///   short block's three windows), computed through an n/2-point DCT-IV and its symmetries;
///   windows by block type; the three short windows overlap at offsets 6, 12, 18; the first half
///   of each block is added to the second half of the previous one. Mixed blocks transform the
///   two lowest subbands as normal long blocks. ref: ISO/IEC 11172-3 §2.4.3.4 (IMDCT, windowing,
///   overlapping and adding)
/// - Frequency inversion: odd samples of odd subbands are negated. ref: §2.4.3.4
enum MP3IMDCT {
    /// (cs, ca) for the eight butterflies of a boundary.
    static let aliasCoefficients: [(cs: Float, ca: Float)] =
        [-0.6, -0.535, -0.33, -0.185, -0.095, -0.041, -0.0142, -0.0037].map { c in
            let s = 1 / (1 + c * c).squareRoot()
            return (Float(s), Float(c * s))
        }

    /// Long-block windows (36) by block type 0, 1, 3 (index 2 holds the short window, 12 values).
    static let windows: [[Float]] = (0..<4).map { type in
        if type == 2 { return (0..<12).map { Float(sin(.pi / 12 * (Double($0) + 0.5))) } }
        return (0..<36).map { i -> Float in
            let long = sin(.pi / 36 * (Double(i) + 0.5))
            switch (type, i) {
            case (1, 18..<24): return 1
            case (1, 24..<30): return Float(sin(.pi / 12 * (Double(i - 18) + 0.5)))
            case (1, 30...): return 0
            case (3, 0..<6): return 0
            case (3, 6..<12): return Float(sin(.pi / 12 * (Double(i - 6) + 0.5)))
            case (3, 12..<18): return 1
            default: return Float(long)
            }
        }
    }

    /// The windows one after another, 36 values each (the short window's 12 at offset 72).
    static let windowTable: [Float] = windows.flatMap { $0 + [Float](repeating: 0, count: 36 - $0.count) }

    /// DCT-IV kernels `cos(π/(4m) · (2j + 1)(2k + 1))` by input k, each column of m outputs padded
    /// to `stride` values: m = 18 (stride 32) and m = 6 (stride 8).
    static let dct18: [Float] = dctIV(18, stride: 32)
    static let dct6: [Float] = dctIV(6, stride: 8)

    private static func dctIV(_ m: Int, stride: Int) -> [Float] {
        (0..<(m * stride)).map { i in
            let k = i / stride, j = i % stride
            return j < m ? Float(cos(.pi / Double(4 * m) * Double(2 * j + 1) * Double(2 * k + 1))) : 0
        }
    }

    /// Alias reduction of `xr` (576 lines, short bands already reordered) for granule `g`;
    /// `limit` is the end of the non-zero lines.
    static func antialias(_ xr: UnsafeMutablePointer<Float>, granule g: MP3GranuleInfo, limit: Int) {
        if g.isShort && !g.mixedBlock { return }
        let boundaries = g.isShort ? 1 : 31
        aliasCoefficients.withUnsafeBufferPointer { c in
            for sb in stride(from: 1, through: boundaries, by: 1) {
                let edge = 18 * sb
                if edge - 8 >= limit { break }
                for i in 0..<8 {
                    let lower = xr[edge - 1 - i], upper = xr[edge + i]
                    xr[edge - 1 - i] = lower * c[i].cs - upper * c[i].ca
                    xr[edge + i] = upper * c[i].cs + lower * c[i].ca
                }
            }
        }
    }

    /// Transforms granule `g`'s lines `xr` (576) into `output` (32 subbands × 18 time slots, subband
    /// major, as `MP3SynthesisFilter` reads them), adding `overlap` (576: the previous block's second
    /// halves, by subband) and storing the new second halves there. `limit` is the end of the
    /// non-zero lines. Long blocks go four subbands at a time (`MP3IMDCT36x4`).
    static func synthesize(_ xr: UnsafePointer<Float>, granule g: MP3GranuleInfo, limit: Int,
                           overlap: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
        // The subbands with data: at least 2, as the long/short split of mixed blocks is at 2.
        let active = max(2, min(32, (limit + 17) / 18))
        let longWindow = g.isShort ? 0 : g.blockType
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * 36) { block in
            dct18.withUnsafeBufferPointer { k18 in dct6.withUnsafeBufferPointer { k6 in
                windowTable.withUnsafeBufferPointer { wt in
                    let y = block.baseAddress!, w = wt.baseAddress!
                    // Subband `sb`'s output: its block `y[step · i]` (36) plus the overlap; frequency inversion.
                    func emit(_ sb: Int, _ y: UnsafePointer<Float>, step: Int) {
                        let prev = overlap + 18 * sb, out = output + 18 * sb
                        for i in 0..<18 {
                            out[i] = y[step * i] + prev[i]
                            prev[i] = y[step * (18 + i)]
                        }
                        if sb & 1 == 1 {
                            for i in stride(from: 1, to: 18, by: 2) { out[i] = -out[i] }
                        }
                    }
                    var sb = 0
                    while sb < 32 {
                        if sb >= active {
                            let prev = overlap + 18 * sb, out = output + 18 * sb
                            for i in 0..<18 { out[i] = sb & i & 1 == 1 ? -prev[i] : prev[i]; prev[i] = 0 }
                            sb += 1
                        } else if !g.isShort {                  // four subbands of long blocks at once
                            MP3IMDCT36x4.transform(xr + 18 * sb, window: w + 36 * longWindow, into: y)
                            for lane in 0..<4 { emit(sb + lane, y + lane, step: 4) }
                            sb += 4
                        } else {
                            if g.mixedBlock && sb < 2 {
                                imdct36(xr + 18 * sb, kernel: k18.baseAddress!, window: w, into: y)
                            } else {
                                imdctShort(xr + 18 * sb, kernel: k6.baseAddress!, window: w + 72, into: y)
                            }
                            emit(sb, y, step: 1)
                            sb += 1
                        }
                    }
                }
            } }
        }
    }

    /// The windowed 36-point IMDCT of 18 lines, by block type 0, 1 or 3.
    static func imdct36(_ x: UnsafePointer<Float>, window type: Int, into y: UnsafeMutablePointer<Float>) {
        dct18.withUnsafeBufferPointer { k in
            windowTable.withUnsafeBufferPointer { w in
                imdct36(x, kernel: k.baseAddress!, window: w.baseAddress! + 36 * type, into: y)
            }
        }
    }

    @inline(__always)
    static func imdct36(_ x: UnsafePointer<Float>, kernel: UnsafePointer<Float>, window w: UnsafePointer<Float>,
                        into y: UnsafeMutablePointer<Float>) {
        let columns = UnsafeRawPointer(kernel)
        var lo = SIMD16<Float>(), hi = SIMD2<Float>()
        for k in 0..<18 {
            let s = x[k]
            lo += s * columns.loadUnaligned(fromByteOffset: 128 * k, as: SIMD16<Float>.self)
            hi += s * columns.loadUnaligned(fromByteOffset: 128 * k + 64, as: SIMD2<Float>.self)
        }
        @inline(__always) func z(_ j: Int) -> Float { j < 16 ? lo[j] : hi[j - 16] }
        for i in 0..<9 { y[i] = z(i + 9) * w[i] }
        for i in 9..<27 { y[i] = -z(26 - i) * w[i] }
        for i in 27..<36 { y[i] = -z(i - 27) * w[i] }
    }

    /// The three windowed, overlapped 12-point IMDCTs of a short block's subband (18 interleaved
    /// lines: line k of window w at 3k + w), as 36 samples.
    static func imdctShort(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        dct6.withUnsafeBufferPointer { k in
            windowTable.withUnsafeBufferPointer { w in
                imdctShort(x, kernel: k.baseAddress!, window: w.baseAddress! + 72, into: y)
            }
        }
    }

    @inline(__always)
    static func imdctShort(_ x: UnsafePointer<Float>, kernel: UnsafePointer<Float>, window: UnsafePointer<Float>,
                           into y: UnsafeMutablePointer<Float>) {
        for i in 0..<36 { y[i] = 0 }
        let columns = UnsafeRawPointer(kernel)
        for w in 0..<3 {
            var z = SIMD8<Float>()
            for k in 0..<6 {
                z += x[3 * k + w] * columns.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<Float>.self)
            }
            let out = y + 6 + 6 * w
            for i in 0..<3 { out[i] += z[i + 3] * window[i] }
            for i in 3..<9 { out[i] -= z[8 - i] * window[i] }
            for i in 9..<12 { out[i] -= z[i - 9] * window[i] }
        }
    }
}
