/// The side information of one granule of one channel. ref: ISO/IEC 11172-3 §2.4.1.7, §2.4.2.7;
/// ISO/IEC 13818-3 §2.4.1.2, §2.4.2.7 (LSF: a 9-bit `scalefac_compress`, no `preflag` field).
struct MP3GranuleInfo: Sendable {
    var part23Length = 0
    var bigValues = 0
    var globalGain = 0
    var scalefacCompress = 0
    /// 0 normal (long), 1 start, 2 short (three windows), 3 stop.
    var blockType = 0
    /// `mixed_block_flag`: the lowest two subbands are long blocks, the rest short.
    var mixedBlock = false
    var tableSelect: (Int, Int, Int) = (0, 0, 0)
    var subblockGain: (Int, Int, Int) = (0, 0, 0)
    /// Where the big-values regions 1 and 2 start (lines), from `region0_count`/`region1_count`
    /// or, with window switching, their implied values. ref: ISO/IEC 11172-3 §2.4.2.7
    var region1Start = 0
    var region2Start = 576
    var preflag = false
    var scalefacScale = false
    /// `count1table_select`: 0 table A, 1 table B.
    var count1Table = 0

    var isShort: Bool { blockType == 2 }

    /// The three `subblock_gain` values by window.
    func subblockGain(_ window: Int) -> Int {
        window == 0 ? subblockGain.0 : window == 1 ? subblockGain.1 : subblockGain.2
    }

    /// The big-values table of `region` (0…2).
    func table(_ region: Int) -> Int { region == 0 ? tableSelect.0 : region == 1 ? tableSelect.1 : tableSelect.2 }
}

/// The side information of a Layer III frame: where its main data begins in the bit reservoir,
/// the scale-factor selection information and the granules' fields.
/// ref: ISO/IEC 11172-3 §2.4.1.7 `audio_data()` Layer III; ISO/IEC 13818-3 §2.4.1.2
struct MP3SideInfo: Sendable {
    /// `main_data_begin`: how many bytes before this frame's main data slot its main data starts.
    var mainDataBegin = 0
    /// `scfsi` of each channel (bit 3: bands 0–5, bit 2: 6–10, bit 1: 11–15, bit 0: 16–20).
    var scfsi: [Int] = [0, 0]
    /// Granule `gr`, channel `ch` at `gr * 2 + ch`.
    var granules = [MP3GranuleInfo](repeating: MP3GranuleInfo(), count: 4)

    func granule(_ gr: Int, _ ch: Int) -> MP3GranuleInfo { granules[gr * 2 + ch] }

    /// Reads the side information that follows `header`; false when it is invalid: `big_values`
    /// over 288 (more than 576 lines) or window switching with block type 0 (reserved).
    mutating func read(_ r: inout MP3BitReader, header: MP3FrameHeader) -> Bool {
        let channels = header.channels, lsf = header.isLSF
        let longStarts = MP3ScalefactorBands.longStarts[header.bandIndex]
        let shortStarts = MP3ScalefactorBands.shortStarts[header.bandIndex]
        if lsf {
            mainDataBegin = r.read(8)
            r.position += channels                          // private_bits
        } else {
            mainDataBegin = r.read(9)
            r.position += channels == 1 ? 5 : 3
            for ch in 0..<channels { scfsi[ch] = r.read(4) }
        }
        for gr in 0..<header.granules {
            for ch in 0..<channels {
                var g = MP3GranuleInfo()
                g.part23Length = r.read(12)
                g.bigValues = r.read(9)
                guard g.bigValues <= 288 else { return false }
                g.globalGain = r.read(8)
                g.scalefacCompress = r.read(lsf ? 9 : 4)
                if r.readBit() {                            // window_switching_flag
                    g.blockType = r.read(2)
                    guard g.blockType != 0 else { return false }
                    g.mixedBlock = r.readBit()
                    g.tableSelect = (r.read(5), r.read(5), 0)
                    g.subblockGain = (r.read(3), r.read(3), r.read(3))
                    // region0_count is 8 for short blocks (three short bands), else 7 (eight long
                    // bands); region 1 runs to the end. The same start is used for mixed blocks.
                    g.region1Start = g.blockType == 2 ? 3 * shortStarts[3] : longStarts[8]
                    g.region2Start = 576
                } else {
                    g.tableSelect = (r.read(5), r.read(5), r.read(5))
                    let region0 = r.read(4), region1 = r.read(3)
                    g.region1Start = longStarts[region0 + 1]
                    g.region2Start = longStarts[min(region0 + region1 + 2, 22)]
                }
                if !lsf { g.preflag = r.readBit() }
                g.scalefacScale = r.readBit()
                g.count1Table = r.read(1)
                granules[gr * 2 + ch] = g
            }
        }
        return true
    }
}
