/// Differences between a computed array and its reference, as the tests report them.
public struct Difference: CustomStringConvertible, Sendable {
    public var maxAbs: Double
    public var maxRef: Double
    /// max |a − b| / max |b|: the error relative to the reference's scale (a relative measure
    /// that does not explode where single values cross zero).
    public var relative: Double { maxRef == 0 ? maxAbs : maxAbs / maxRef }
    public var description: String {
        "max |Δ| = \(maxAbs), max |ref| = \(maxRef), relative = \(relative)"
    }

    public init<A: Collection, B: Collection>(_ a: A, _ b: B) where A.Element == Float, B.Element == Float {
        precondition(a.count == b.count, "compared arrays differ in length: \(a.count) vs \(b.count)")
        var d = 0.0, r = 0.0
        for (x, y) in zip(a, b) {
            d = max(d, abs(Double(x) - Double(y)))
            r = max(r, abs(Double(y)))
        }
        maxAbs = d; maxRef = r
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the same pseudo-random sequence on every run, for
/// test signals and mutation fuzzing.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Deterministic pseudo-random floats in [lo, hi) for kernel tests (SplitMix64).
public struct TestRandom {
    var generator: SplitMix64
    public init(seed: UInt64) { generator = SplitMix64(state: seed) }
    public mutating func next() -> Float { Float(generator.next() >> 40) * 0x1p-24 }
    public mutating func array(_ count: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<count).map { _ in lo + (hi - lo) * next() }
    }
}
