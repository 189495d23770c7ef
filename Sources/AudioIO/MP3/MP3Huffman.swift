/// A prefix code as lookup tables: the first `rootBits` bits index the root table; an entry is
/// either a symbol with its code length or a link to a subtable for the next bits.
struct MP3HuffmanCode: Sendable {
    /// Entry layout: bit 31 clear — bits 16…23 code length (bits consumed from the table's first
    /// bit), bits 0…15 symbol; bit 31 set — bits 24…30 the subtable's index bits, bits 0…23 its offset.
    private let entries: [UInt32]
    private let rootBits: Int
    /// The longest code word, in bits.
    let maxLength: Int

    /// The code whose words (strings of 0 and 1) code `symbols`. Words must form a prefix code;
    /// bit patterns that start no word decode as symbol 0 (unreachable for a complete code).
    init(words: [String], symbols: [Int]) {
        let codes = zip(words, symbols).map { word, symbol in
            (bits: word.utf8.reduce(UInt32(0)) { $0 << 1 | ($1 == UInt8(ascii: "1") ? 1 : 0) },
             length: word.utf8.count, symbol: symbol)
        }
        maxLength = codes.map(\.length).max() ?? 0
        rootBits = min(maxLength, 8)
        var entries: [UInt32] = []
        func table(_ codes: [(bits: UInt32, length: Int, symbol: Int)], prefix: Int, bits k: Int) -> Int {
            let base = entries.count
            entries.append(contentsOf: repeatElement(0, count: 1 << k))
            var groups: [Int: [(bits: UInt32, length: Int, symbol: Int)]] = [:]
            for code in codes {
                let rest = code.length - prefix                     // bits after the prefix
                let tail = Int(code.bits & (1 << rest - 1))
                if rest <= k {
                    let first = tail << (k - rest)
                    for j in 0..<(1 << (k - rest)) { entries[base + first + j] = UInt32(rest << 16 | code.symbol) }
                } else {
                    groups[tail >> (rest - k), default: []].append(code)
                }
            }
            for (index, group) in groups.sorted(by: { $0.key < $1.key }) {
                let subBits = min(group.map(\.length).max()! - prefix - k, 8)
                let offset = table(group, prefix: prefix + k, bits: subBits)
                entries[base + index] = 0x8000_0000 | UInt32(subBits) << 24 | UInt32(offset)
            }
            return base
        }
        if !codes.isEmpty { _ = table(codes, prefix: 0, bits: rootBits) }
        self.entries = entries
    }

    /// Reads one code word and returns its symbol.
    @inline(__always)
    func decode(_ r: inout MP3BitReader) -> Int {
        let (symbol, length) = decode(bits: r.peek32())
        r.position += length
        return symbol
    }

    /// The symbol of the code word at the top of `bits`, and its length.
    @inline(__always)
    func decode(bits: UInt32) -> (symbol: Int, length: Int) {
        var used = 0, width = rootBits, base = 0
        return entries.withUnsafeBufferPointer { e in
            while true {
                let entry = e[base + Int((bits &<< UInt32(used)) &>> UInt32(32 - width))]
                if entry & 0x8000_0000 == 0 {
                    return (Int(entry & 0xFFFF), used + Int(entry >> 16))
                }
                used += width
                width = Int(entry >> 24 & 0x7F)
                base = Int(entry & 0xFF_FFFF)
            }
        }
    }
}

/// Huffman decoding of a granule's spectral values ("part 3" of the main data).
/// ref: ISO/IEC 11172-3 §2.4.1.7 `huffmancodebits()`, §2.4.2.7 (big_values, region0/1/2,
/// table_select, linbits, count1table_select), §2.4.3.4 (Huffman decoding) and Annex B Table B.7.
enum MP3Huffman {
    /// `linbits` of tables 0…31 (ref: Table B.7).
    static let linbits = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                          1, 2, 3, 4, 6, 8, 10, 13, 4, 5, 6, 7, 8, 9, 11, 13]

    /// The codes of tables 0…31 (nil: table 0 and the undefined 4 and 14, which code only zeros).
    static let pairCodes: [MP3HuffmanCode?] = {
        var built: [Int: MP3HuffmanCode] = [:]
        for (number, table) in MP3HuffmanTables.pairTables {
            let words = table.words.split(whereSeparator: \.isWhitespace).map(String.init)
            let symbols = (0..<table.size * table.size).map { ($0 / table.size) << 4 | $0 % table.size }
            built[number] = MP3HuffmanCode(words: words, symbols: symbols)
        }
        return (0..<32).map { n in built[n < 16 ? n : n < 24 ? 16 : 24] }
    }()

    /// Tables A and B for quadruples (symbol v·8 + w·4 + x·2 + y).
    static let quadCodes: [MP3HuffmanCode] = [MP3HuffmanTables.tableA, MP3HuffmanTables.tableB].map {
        MP3HuffmanCode(words: $0.split(whereSeparator: \.isWhitespace).map(String.init), symbols: Array(0..<16))
    }

    /// Decodes the spectral values of granule `g` into `values` (576 integers, signed), reading
    /// from `r` up to bit `end` (the end of the granule's `part2_3_length`). Returns the index after
    /// the last value that may be non-zero; the rest of `values` is zeroed.
    ///
    /// Decoding stops where the data ends: a pair is not started at or after `end`, and a
    /// quadruple that runs past `end` is dropped (encoders sometimes count one too many).
    static func decode(_ r: inout MP3BitReader, end: Int, granule g: MP3GranuleInfo,
                       into values: UnsafeMutablePointer<Int32>) -> Int {
        let stopAt = min(end, r.bitCount)                       // no more data after this
        let bigEnd = min(g.bigValues * 2, 576)
        var i = 0
        pairs: for region in 0..<3 {
            let table = g.table(region)
            let stop = region == 0 ? min(g.region1Start, bigEnd) : region == 1 ? min(g.region2Start, bigEnd) : bigEnd
            guard i < stop else { continue }
            guard let code = pairCodes[table] else {
                while i < stop { values[i] = 0; i += 1 }
                continue
            }
            let lin = linbits[table]
            while i < stop {
                if r.position >= stopAt { break pairs }
                // One peek holds the code word, both linbits and both signs (≤ 47 bits).
                let word = r.peek57()
                let (symbol, length) = code.decode(bits: UInt32(truncatingIfNeeded: word &>> 32))
                var used = length
                @inline(__always) func value(_ v: Int) -> Int32 {
                    var v = v
                    if v == 15, lin > 0 { v += Int((word &<< UInt64(used)) &>> UInt64(64 - lin)); used += lin }
                    // A sign bit follows non-zero values; branch-free, as zeros and signs are unpredictable.
                    let present = v != 0 ? 1 : 0
                    let negative = Int((word &<< UInt64(used)) &>> 63) & present
                    used += present
                    return Int32(truncatingIfNeeded: (v ^ -negative) &+ negative)
                }
                values[i] = value(symbol >> 4)
                values[i + 1] = value(symbol & 15)
                r.position += used
                i += 2
            }
        }
        let quad = quadCodes[g.count1Table]
        var last = -1
        while i <= 572 {
            let position = r.position
            if position >= stopAt {
                if position > end, last >= 0 {                  // the last quadruple ran past the end
                    i -= 4
                    r.position = last
                }
                break
            }
            last = position
            let word = r.peek57()                               // the code word and up to 4 signs
            let (symbol, length) = quad.decode(bits: UInt32(truncatingIfNeeded: word &>> 32))
            var used = length
            for k in 0..<4 {                                    // branch-free: v ∈ {0, 1} with its sign
                let present = symbol >> (3 - k) & 1
                let negative = Int((word &<< UInt64(used)) &>> 63) & present
                used += present
                values[i + k] = Int32(truncatingIfNeeded: (present ^ -negative) &+ negative)
            }
            r.position += used
            i += 4
        }
        for k in i..<576 { values[k] = 0 }
        return i
    }
}
