import TestSupport

/// Sample values written over a WAV's `data` chunk, for the analysis behind the decoders (README
/// "Security → Engine limits"): float extremes, NaN, ±inf and subnormals in float encodings; DC,
/// full-scale squares and alternating full scale in every encoding; over one sample, a run, or all.
enum SampleMutations {
    static let all = [floatValue, waveform]
    /// Among the WAV mutations three times over, as only float seeds take `floatValue`.
    static let weighted = all + all + all

    /// The samples of a WAV: the data chunk's bytes (clamped to the file), its format code (the
    /// extensible subformat's when 0xFFFE) and bytes per sample.
    struct Layout {
        let data: Range<Int>
        let code: UInt64
        let width: Int
        var count: Int { data.count / width }
    }

    static func layout(_ b: [UInt8]) -> Layout? {
        guard let fmt = WAVMutations.chunk("fmt ", in: b), let data = WAVMutations.chunk("data", in: b),
              var code = b.uint(at: fmt.body, 2), let bits = b.uint(at: fmt.body + 14, 2),
              [8, 16, 24, 32, 64].contains(bits) else { return nil }
        if code == 0xFFFE, let sub = b.uint(at: fmt.body + 24, 2) { code = sub }
        let end = min(b.count, data.body + Int(min(data.size, UInt64(b.count))))
        let layout = Layout(data: data.body..<max(data.body, end), code: code, width: Int(bits) / 8)
        return layout.count > 0 ? layout : nil
    }

    /// Sample indices to overwrite: all of them, one, or a run.
    static func span(_ l: Layout, _ rng: inout SplitMix64) -> Range<Int> {
        let start = rng.below(l.count)
        switch rng.below(3) {
        case 0: return 0..<l.count
        case 1: return start..<(start + 1)
        default: return start..<min(l.count, start + 1 + rng.below(4096))
        }
    }

    static let floatValues: [(String, Double)] = [
        ("1e20", 1e20), ("-3.4e38", -3.4028234663852886e38), ("nan", .nan), ("inf", .infinity), ("-inf", -.infinity),
        ("subnormal", 0x1p-140), ("2^15", 32768), ("-2^15", -32768), ("just over 2^15", 32768.01), ("1e300", 1e300),
    ]

    static let floatValue = Mutation("sample.float") { b, rng in
        guard let l = layout(b), l.code == 3, l.width == 4 || l.width == 8 else { return nil }
        let (name, value) = rng.pick(floatValues), alternate = rng.chance(0.5), span = span(l, &rng)
        for i in span {
            let v = alternate && i % 2 == 1 ? -value : value
            b.set(l.width == 4 ? UInt64(Float(v).bitPattern) : v.bitPattern, at: l.data.lowerBound + i * l.width, l.width)
        }
        return "\(alternate ? "±" : "")\(name) over samples \(span)"
    }

    /// DC at full scale, a full-scale square of period `period` samples, or alternating full scale
    /// (period 2), in the file's own encoding: integers at their extremes, floats at ±1 or ±2^15.
    static let waveform = Mutation("sample.waveform") { b, rng in
        guard let l = layout(b) else { return nil }
        let period = rng.pick([0, 2, 40, 160]), span = span(l, &rng)
        let (high, low): (UInt64, UInt64)
        switch (l.code, l.width) {
        case (3, 4): let s = Float(rng.pick([1, 32768])); (high, low) = (UInt64(s.bitPattern), UInt64((-s).bitPattern))
        case (3, 8): let s = Double(rng.pick([1, 32768])); (high, low) = (s.bitPattern, (-s).bitPattern)
        case (_, 1): (high, low) = (0xFF, 0x00)                              // unsigned 8-bit; G.711 codes
        default: (high, low) = (UInt64(1) << (8 * l.width - 1) - 1, UInt64(1) << (8 * l.width - 1))
        }
        for i in span {
            let value = period == 0 || i % period < period / 2 ? high : low
            b.set(value, at: l.data.lowerBound + i * l.width, l.width)
        }
        return (period == 0 ? "DC" : "square of period \(period)") + " at full scale over samples \(span)"
    }
}
