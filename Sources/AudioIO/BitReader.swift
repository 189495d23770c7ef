/// Reads a byte buffer as a big-endian bit stream, most significant bit first, as FLAC stores
/// every field (ref: RFC 9639 §5: "All numbers ... are big-endian coded"; `u(n)` and `s(n)`
/// fields, signed ones in two's complement). Reads past the end throw `Overrun`; nothing
/// is ever read outside the buffer.
///
/// The next unread bits are kept left-aligned in a 64-bit cache. Whole bytes are loaded 8 at
/// a time where 8 remain; the bits of a byte that is only partly loaded are its real bits, so
/// loading it again later (OR) leaves them unchanged.
struct BitReader {
    /// A read went past the end of the buffer.
    struct Overrun: Error {}

    private let base: UnsafePointer<UInt8>?
    private let count: Int
    /// The next byte to load into `cache`.
    private var next: Int
    /// Unread bits, left-aligned: the top `cached` bits are valid.
    private var cache: UInt64 = 0
    private var cached = 0

    /// A reader of `bytes` starting at byte `offset` (clamped to the buffer).
    init(_ bytes: UnsafeRawBufferPointer, byteOffset offset: Int = 0) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
        next = min(max(0, offset), bytes.count)
    }

    /// Bits read so far from the start of the buffer.
    var bitPosition: Int { next * 8 - cached }

    /// The byte offset of the next unread bit, rounded up to a whole byte.
    var byteOffset: Int { (bitPosition + 7) >> 3 }

    /// Skips to the next byte boundary (the zero padding after FLAC subframes, RFC 9639 §9.3).
    mutating func alignToByte() {
        let drop = cached & 7
        cache <<= UInt64(drop)
        cached -= drop
    }

    /// Loads bytes until at least 57 bits are cached or the buffer ends.
    @inline(__always)
    private mutating func refill() {
        guard let base else { return }
        if count - next >= 8 {
            let word = UInt64(bigEndian: UnsafeRawPointer(base + next).loadUnaligned(as: UInt64.self))
            cache |= word &>> UInt64(cached)
            let bytes = (64 - cached) >> 3
            next += bytes
            cached += bytes << 3
        } else {
            while cached <= 56 && next < count {
                cache |= UInt64(base[next]) &<< UInt64(56 - cached)
                next += 1
                cached += 8
            }
        }
    }

    /// The next `n` bits (0...57) as an unsigned number.
    @inline(__always)
    mutating func read(_ n: Int) throws(Overrun) -> UInt64 {
        guard n > 0 else { return 0 }
        if cached < n {
            refill()
            guard cached >= n else { throw Overrun() }
        }
        let value = cache &>> UInt64(64 - n)
        cache = cache &<< UInt64(n)
        cached -= n
        return value
    }

    /// The next `n` bits (0...64) as an unsigned number.
    mutating func readLong(_ n: Int) throws(Overrun) -> UInt64 {
        guard n > 32 else { return try read(n) }
        let high = try read(n - 32)
        return high << 32 | (try read(32))
    }

    /// The next `n` bits (0...64) as a two's complement signed number (`s(n)` in RFC 9639).
    @inline(__always)
    mutating func readSigned(_ n: Int) throws(Overrun) -> Int64 {
        guard n > 0 else { return 0 }
        let raw = n <= 57 ? try read(n) : try readLong(n)
        let unused = UInt64(64 - n)
        return Int64(bitPattern: raw &<< unused) &>> unused
    }

    /// Counts zero bits up to and including the next one bit, returning the zeros: a unary
    /// number as FLAC codes Rice quotients and wasted-bit counts (RFC 9639 §9.2.2, §9.2.7.2).
    @inline(__always)
    mutating func readUnary() throws(Overrun) -> Int {
        var zeros = 0
        while true {
            if cached == 0 {
                refill()
                guard cached > 0 else { throw Overrun() }
            }
            // Bits below `cached` are either zero or the real bits of the next byte.
            let leading = cache.leadingZeroBitCount
            if leading < cached {
                cache = (cache &<< UInt64(leading)) &<< 1
                cached -= leading + 1
                return zeros + leading
            }
            zeros += cached
            cache = 0
            cached = 0
        }
    }

    /// `count` Rice code words with parameter `k` (0...30), each folded back (zigzag) to a signed
    /// value, into `out` (RFC 9639 §9.2.7.2, §9.2.7.3); false where one exceeds 32 bits (a quotient
    /// over `UInt32.max >> k`). The loop runs on a local copy of the reader so that its state stays
    /// in registers; a word not wholly in the cache goes through `readUnary` and `read`.
    @inline(__always)
    mutating func readRiceSigned(_ k: Int, into out: UnsafeMutablePointer<Int64>, count: Int) throws(Overrun) -> Bool {
        var r = self
        defer { self = r }
        let maxQuotient = Int(UInt32.max >> UInt32(k)), shift = UInt64(k)
        for i in 0..<count {
            if r.cached < 32 { r.refill() }                     // most words are shorter
            let leading = r.cache.leadingZeroBitCount
            let folded: UInt64
            if leading + 1 + k <= r.cached {
                let aligned = r.cache &<< UInt64(leading)       // the stop bit on top, then the k bits
                guard leading <= maxQuotient else { return false }
                folded = UInt64(leading) &<< shift | ((aligned &<< 1) &>> 1) &>> (63 &- shift)
                r.cache = aligned &<< (shift &+ 1)
                r.cached -= leading + 1 + k
            } else {
                let quotient = try r.readUnary()
                guard quotient <= maxQuotient else { return false }
                folded = UInt64(quotient) &<< shift | (try r.read(k))
            }
            out[i] = Int64(bitPattern: folded >> 1) ^ -Int64(bitPattern: folded & 1)
        }
        return true
    }
}
