/// The scale factors of one granule of one channel.
///
/// - MPEG-1: `slen1`/`slen2` from `scalefac_compress`; long blocks in four groups that granule 1
///   may copy from granule 0 (`scfsi`); short blocks by band and window; mixed blocks eight long
///   bands then short bands 3–11. ref: ISO/IEC 11172-3 §2.4.1.7 `scale_factors`, §2.4.2.7
/// - LSF: four partitions whose sizes and bit widths follow from the 9-bit `scalefac_compress`
///   (a different split for the right channel of intensity-stereo frames, whose scale factors are
///   intensity positions). ref: ISO/IEC 13818-3 §2.4.2.7, §2.4.3.2 (`nr_of_sfb_block`)
///
/// The bands without a transmitted scale factor (long band 21, short band 12) hold 0.
struct MP3Scalefactors: Sendable {
    /// Long-block scale factors by band (22).
    var long = [Int](repeating: 0, count: 22)
    /// Short-block scale factors at `band * 3 + window` (13 bands).
    var short = [Int](repeating: 0, count: 39)

    /// ref: ISO/IEC 11172-3 §2.4.2.7 `scalefac_compress` → (slen1, slen2)
    static let slen1 = [0, 0, 0, 0, 3, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4]
    static let slen2 = [0, 1, 2, 3, 0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 2, 3]

    /// ref: ISO/IEC 13818-3 §2.4.3.2 `nr_of_sfb_block[6][3][4]`: by partition table, then block
    /// kind (long, short, mixed), the number of scale factors in each of the four partitions (short
    /// blocks count band × window).
    static let lsfPartitions: [[[Int]]] = [
        [[6, 5, 5, 5], [9, 9, 9, 9], [6, 9, 9, 9]],
        [[6, 5, 7, 3], [9, 9, 12, 6], [6, 9, 12, 6]],
        [[11, 10, 0, 0], [18, 18, 0, 0], [15, 18, 0, 0]],
        [[7, 7, 7, 0], [12, 12, 12, 0], [6, 15, 12, 0]],
        [[6, 6, 6, 3], [12, 9, 9, 6], [6, 12, 9, 6]],
        [[8, 8, 5, 0], [15, 12, 9, 0], [6, 18, 9, 0]],
    ]

    /// Reads MPEG-1 scale factors; `previous` is granule 0's for the bands `scfsi` (granule 1 only)
    /// says are shared.
    mutating func readMPEG1(_ r: inout MP3BitReader, granule g: MP3GranuleInfo, scfsi: Int,
                            previous: MP3Scalefactors?) {
        let bits1 = Self.slen1[g.scalefacCompress], bits2 = Self.slen2[g.scalefacCompress]
        if g.isShort {
            var band = 0
            if g.mixedBlock {
                for b in 0..<8 { long[b] = r.read(bits1) }
                for b in 8..<22 { long[b] = 0 }
                for i in 0..<9 { short[i] = 0 }
                band = 3
            } else {
                for b in 0..<22 { long[b] = 0 }
            }
            for b in band..<12 {
                let bits = b < 6 ? bits1 : bits2
                for w in 0..<3 { short[b * 3 + w] = r.read(bits) }
            }
            short[36] = 0; short[37] = 0; short[38] = 0
        } else {
            let groups = [(0, 6), (6, 11), (11, 16), (16, 21)]
            for (k, (start, end)) in groups.enumerated() {
                if let previous, scfsi & (8 >> k) != 0 {
                    for b in start..<end { long[b] = previous.long[b] }
                } else {
                    let bits = k < 2 ? bits1 : bits2
                    for b in start..<end { long[b] = r.read(bits) }
                }
            }
            long[21] = 0
        }
    }

    /// Reads LSF scale factors; for the right channel of an intensity-stereo frame
    /// (`intensityRight`) they are intensity positions. Returns whether `preflag` is implied.
    mutating func readLSF(_ r: inout MP3BitReader, granule g: MP3GranuleInfo, intensityRight: Bool) -> Bool {
        var slen = [0, 0, 0, 0], table = 0, preflag = false
        let sfc = g.scalefacCompress
        if intensityRight {
            let c = sfc >> 1
            if c < 180 {
                slen = [c / 36, (c % 36) / 6, c % 6, 0]; table = 3
            } else if c < 244 {
                let d = c - 180
                slen = [(d % 64) >> 4, (d % 16) >> 2, d % 4, 0]; table = 4
            } else {
                let d = c - 244
                slen = [d / 3, d % 3, 0, 0]; table = 5
            }
        } else if sfc < 400 {
            slen = [(sfc >> 4) / 5, (sfc >> 4) % 5, (sfc % 16) >> 2, sfc % 4]; table = 0
        } else if sfc < 500 {
            let d = sfc - 400
            slen = [(d >> 2) / 5, (d >> 2) % 5, d % 4, 0]; table = 1
        } else {
            let d = sfc - 500
            slen = [d / 3, d % 3, 0, 0]; table = 2; preflag = true
        }
        let kind = g.isShort ? (g.mixedBlock ? 2 : 1) : 0
        let counts = Self.lsfPartitions[table][kind]
        for i in 0..<22 { long[i] = 0 }
        for i in 0..<39 { short[i] = 0 }
        // The slots in transmission order: long bands, then (band, window) from the first short band.
        var slot = 0
        let longSlots = kind == 0 ? 21 : kind == 2 ? 6 : 0
        let firstShort = kind == 2 ? 3 : 0
        for p in 0..<4 {
            for _ in 0..<counts[p] {
                let value = r.read(slen[p])
                if slot < longSlots {
                    long[slot] = value
                } else {
                    let s = firstShort * 3 + slot - longSlots
                    if s < 36 { short[s] = value }
                }
                slot += 1
            }
        }
        return preflag
    }
}
