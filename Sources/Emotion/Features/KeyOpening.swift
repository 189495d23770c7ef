// Key opening: the key chroma's first frames of sound, the tonic evidence of `estimateKey`.

/// The harmonic pitch class profiles (KeyChroma.swift) that open a file's sound: from the first
/// key frame at or above `silenceFloorDB`, up to twice the `keyOpeningSeconds` wanted, each kept
/// with its loudness so that the file's silence gate (known only at the end) applies to them too.
/// Memory is fixed at init; nothing is allocated per frame.
struct KeyOpening {
    /// Gated frames wanted: `keyOpeningSeconds` of key frames.
    let wanted: Int
    private let capacity: Int, floorDB: Double
    private var profiles: [Double]          // [capacity, HarmonicPitchClassProfile.bins]
    private var loudness: [Double]
    private var count = 0

    init(config: FeatureConfig) {
        let perSecond = config.frameRate / Double(config.keyHopFrames)
        wanted = Int((config.keyOpeningSeconds * perSecond).rounded())
        capacity = 2 * wanted
        floorDB = config.silenceFloorDB
        profiles = [Double](repeating: 0, count: capacity * HarmonicPitchClassProfile.bins)
        loudness = [Double](repeating: 0, count: capacity)
    }

    /// Keeps one key frame's profile at loudness `level` dB while the opening is not full.
    mutating func add(_ profile: [Double], loudness level: Double) {
        guard count < capacity, count > 0 || level >= floorDB else { return }
        let bins = HarmonicPitchClassProfile.bins
        for b in 0..<bins { profiles[count * bins + b] = profile[b] }
        loudness[count] = level
        count += 1
    }

    mutating func reset() { count = 0 }

    /// The mean profile of the first `wanted` kept frames in loudness bins ≥ `gate`
    /// (GatedMoments' bins, as the file's own gate); nil when there are none.
    func profile(fromBin gate: Int) -> [Double]? {
        let bins = HarmonicPitchClassProfile.bins
        var mean = [Double](repeating: 0, count: bins), used = 0
        for i in 0..<count where used < wanted && GatedMoments.bin(loudness: loudness[i]) >= gate {
            for b in 0..<bins { mean[b] += profiles[i * bins + b] }
            used += 1
        }
        guard used > 0 else { return nil }
        return mean.map { $0 / Double(used) }
    }
}
