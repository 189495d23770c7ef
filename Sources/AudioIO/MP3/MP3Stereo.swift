import Foundation

/// Joint-stereo processing of one granule, on both channels' lines in bitstream order.
///
/// - Mid/side: `L = (M + S)/√2`, `R = (M − S)/√2`. ref: ISO/IEC 11172-3 §2.4.3.4 (ms_stereo)
/// - Intensity: above the highest non-zero line of the right channel (per window for short
///   blocks), each band carries the sum in the left channel and a position in the right channel's
///   scale factor. MPEG-1: `is_ratio = tan(is_pos · π/12)`, `L = xr · is_ratio/(1 + is_ratio)`,
///   `R = xr · 1/(1 + is_ratio)`; position 7 (or more) is illegal and the band is coded as
///   mid/side or plain stereo instead. ref: ISO/IEC 11172-3 §2.4.3.4 (intensity stereo)
///   LSF: `io = 2^(−1/4)` or `2^(−1/2)` by `intensity_scale` (the low bit of the right channel's
///   `scalefac_compress`); position 0 gives `kL = kR = 1`, odd positions `kL = io^((p+1)/2)`, even
///   ones `kR = io^(p/2)`. ref: ISO/IEC 13818-3 §2.4.3.2
///   The band above the last coded one (long 21, short 12) uses the position of the band below.
///   As in FFmpeg, no LSF position is treated as illegal.
enum MP3Stereo {
    static let invSqrt2: Float = 0.70710678118654752440

    /// MPEG-1 (kL, kR) for positions 0…6.
    static let mpeg1Ratios: [(Float, Float)] = (0...6).map { p in
        guard p != 6 else { return (1, 0) }
        let t = tan(Double(p) * .pi / 12)
        return (Float(t / (1 + t)), Float(1 / (1 + t)))
    }

    /// LSF (kL, kR) for `intensity_scale` 0 and 1, positions 0…15 (positions over 15 cannot be coded).
    static let lsfRatios: [[(Float, Float)]] = (0..<2).map { scale in
        (0..<16).map { p in
            let steps = (p + 1) >> 1, f = Float(exp2(-Double(scale + 1) * Double(steps) / 4))
            return p & 1 == 1 ? (f, 1) : (1, f)
        }
    }

    /// Applies the stereo processing `header.modeExtension` selects to `left` and `right` (576 each);
    /// `g1` and `sf1` are the right channel's granule and scale factors.
    static func process(left: UnsafeMutablePointer<Float>, right: UnsafeMutablePointer<Float>,
                        header: MP3FrameHeader, right g1: MP3GranuleInfo, scalefactors sf1: MP3Scalefactors) {
        let ms = header.msStereo
        guard header.intensityStereo else {
            if ms {
                for i in 0..<576 {
                    let m = left[i], s = right[i]
                    left[i] = (m + s) * invSqrt2
                    right[i] = (m - s) * invSqrt2
                }
            }
            return
        }
        let lsf = header.isLSF, bandIndex = header.bandIndex
        let limit = lsf ? 16 : 7
        let ratios = lsf ? lsfRatios[g1.scalefacCompress & 1] : mpeg1Ratios

        func midSide(_ start: Int, _ length: Int) {
            guard ms else { return }
            for i in start..<(start + length) {
                let m = left[i], s = right[i]
                left[i] = (m + s) * invSqrt2
                right[i] = (m - s) * invSqrt2
            }
        }
        func isZero(_ start: Int, _ length: Int) -> Bool {
            for i in start..<(start + length) where right[i] != 0 { return false }
            return true
        }
        func intensity(_ start: Int, _ length: Int, _ position: Int) {
            let (kl, kr) = ratios[position]
            for i in start..<(start + length) {
                let v = left[i]
                left[i] = v * kl
                right[i] = v * kr
            }
        }

        let (longEnd, shortStart) = MP3Requantize.layout(g1, lsf: lsf)
        let longStarts = MP3ScalefactorBands.longStarts[bandIndex]
        let shortStarts = MP3ScalefactorBands.shortStarts[bandIndex]
        var found = [false, false, false]                       // a non-zero band seen (per window)
        if shortStart < 13 {
            for b in stride(from: 12, through: shortStart, by: -1) {
                let width = shortStarts[b + 1] - shortStarts[b], coded = min(b, 11)
                for w in stride(from: 2, through: 0, by: -1) {
                    let start = 3 * shortStarts[b] + w * width
                    if !found[w], isZero(start, width) {
                        let position = sf1.short[coded * 3 + w]
                        if position < limit { intensity(start, width, position); continue }
                    } else {
                        found[w] = true
                    }
                    midSide(start, width)
                }
            }
        }
        var nonZero = found[0] || found[1] || found[2]
        for b in stride(from: longEnd - 1, through: 0, by: -1) {
            let start = longStarts[b], width = longStarts[b + 1] - start
            if !nonZero, isZero(start, width) {
                let position = sf1.long[min(b, 20)]
                if position < limit { intensity(start, width, position); continue }
            } else {
                nonZero = true
            }
            midSide(start, width)
        }
    }
}
