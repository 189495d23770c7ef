import Foundation

/// Requantization and short-block reordering.
///
/// - Requantization: `xr = sign(is) · |is|^(4/3) · 2^(¼·(global_gain − 210 − 8·subblock_gain[w]))
///   · 2^(−scalefac_multiplier · (scalefac + preflag · pretab))`, the multiplier 0.5 or 1 by
///   `scalefac_scale`; the subblock gain applies to short blocks only, `pretab` to long bands only.
///   ref: ISO/IEC 11172-3 §2.4.3.4 (requantization); ISO/IEC 13818-3 §2.4.3.2. One deviation: see
///   `escapeLimit`.
/// - Reordering: short-block lines arrive by band, then window, then frequency; they are
///   interleaved to frequency, then window (`3 · line + window`), which is the order the 12-point
///   IMDCTs read. ref: ISO/IEC 11172-3 §2.4.3.4 (reordering)
enum MP3Requantize {
    /// The largest magnitude a Huffman code can carry: 15 + 2^13 − 1 (table 23 or 31).
    static let maxValue = 8206

    /// Escape-coded values (|is| ≥ 15) that requantize to this magnitude or more are set to zero:
    /// over +23 dBFS, they occur only in damaged or misparsed data. FFmpeg's decoder does the same
    /// (its fixed-point `l3_unscale` returns 0 when `2^31 · 1.759 / 2^28` would be exceeded), so
    /// the two agree on such frames too.
    static let escapeLimit: Float = 8 * 1.759

    /// |is|^(4/3) for |is| = 0…8206.
    static let powers: [Float] = (0...maxValue).map { Float(pow(Double($0), 4.0 / 3.0)) }

    /// 2^(q/4) for quarter steps q.
    @inline(__always)
    static func gain(_ quarterSteps: Int) -> Float {
        let index = quarterSteps - gainFloor
        guard index >= 0, index < gains.count else { return Float(exp2(Double(quarterSteps) * 0.25)) }
        return gains[index]
    }

    /// The quarter steps the bit stream can code: global_gain − 210 (−210…45) less up to
    /// 8 · 7 of subblock gain and (15 + 3) · 4 of scale factors with pretab.
    private static let gainFloor = -210 - 56 - 72
    /// 2^(q/4) from `gainFloor` to 45.
    private static let gains: [Float] = (gainFloor...45).map { Float(exp2(Double($0) * 0.25)) }

    /// The long bands a granule codes (before its short bands, if any) and its first short band.
    static func layout(_ g: MP3GranuleInfo, lsf: Bool) -> (longEnd: Int, shortStart: Int) {
        guard g.isShort else { return (22, 13) }
        return g.mixedBlock ? (lsf ? 6 : 8, 3) : (0, 0)
    }

    /// Requantizes `values[0..<count]` (the rest is zero) into `xr` (576 lines, bitstream order).
    static func requantize(_ values: UnsafePointer<Int32>, count: Int, granule g: MP3GranuleInfo,
                           scalefactors sf: MP3Scalefactors, bandIndex: Int, lsf: Bool,
                           into xr: UnsafeMutablePointer<Float>) {
        let (longEnd, shortStart) = layout(g, lsf: lsf)
        let shift = g.scalefacScale ? 2 : 1                     // quarter steps per scale-factor step
        let base = g.globalGain - 210
        let longStarts = MP3ScalefactorBands.longStarts[bandIndex]
        let shortStarts = MP3ScalefactorBands.shortStarts[bandIndex]
        powers.withUnsafeBufferPointer { pow43 in
            func band(_ start: Int, _ end: Int, _ exponent: Int) {
                let stop = min(end, count)
                guard start < stop else { return }
                let scale = gain(exponent)
                for i in start..<stop {
                    let v = values[i], n = Int(v.magnitude)
                    var magnitude = pow43[min(n, maxValue)] * scale
                    if n >= 15, magnitude >= escapeLimit { magnitude = 0 }
                    xr[i] = Float(bitPattern: magnitude.bitPattern | UInt32(bitPattern: v) & 0x8000_0000)
                }
            }
            for b in 0..<longEnd {
                let pre = g.preflag ? MP3ScalefactorBands.pretab[b] : 0
                band(longStarts[b], longStarts[b + 1], base - (sf.long[b] + pre) << shift)
            }
            if shortStart < 13 {
                for b in shortStart..<13 {
                    let width = shortStarts[b + 1] - shortStarts[b]
                    for w in 0..<3 {
                        let start = 3 * shortStarts[b] + w * width
                        band(start, start + width, base - 8 * g.subblockGain(w) - sf.short[b * 3 + w] << shift)
                    }
                }
            }
        }
        for i in min(count, 576)..<576 { xr[i] = 0 }
    }

    /// Interleaves the short bands of `xr` (from band `shortStart`) in place; `scratch` holds 576.
    static func reorder(_ xr: UnsafeMutablePointer<Float>, granule g: MP3GranuleInfo, bandIndex: Int,
                        lsf: Bool, scratch: UnsafeMutablePointer<Float>) {
        guard g.isShort else { return }
        let shortStart = layout(g, lsf: lsf).shortStart
        let starts = MP3ScalefactorBands.shortStarts[bandIndex]
        for b in shortStart..<13 {
            let start = 3 * starts[b], width = starts[b + 1] - starts[b]
            for i in 0..<width {
                for w in 0..<3 { scratch[3 * i + w] = xr[start + w * width + i] }
            }
            for k in 0..<(3 * width) { xr[start + k] = scratch[k] }
        }
    }
}
