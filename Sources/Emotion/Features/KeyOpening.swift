// Key opening: the key chroma's first frames of sound, the tonic evidence of `estimateKey`.

/// The harmonic pitch class profiles (KeyChroma.swift) that open a file's sound: from the first
/// key frame at or above the lowest gate a file with sound can have (`silenceFloorDB` −
/// `silenceRangeDB`), up to twice the `keyOpeningSeconds` wanted, each kept with its loudness so
/// that the file's silence gate (known only at the end, relative to its own level) applies to them
/// too. A frame `silenceRangeDB` above every frame kept so far starts the opening again: what came
/// before was a lead-in (room noise, dither) that the gate will call silence.
/// Memory is fixed at init; nothing is allocated per frame.
struct KeyOpening {
    /// Gated frames wanted: `keyOpeningSeconds` of key frames.
    let wanted: Int
    private let capacity: Int, floorDB: Double, rangeDB: Double
    private var profiles: [Double]          // [capacity, HarmonicPitchClassProfile.bins]
    private var loudness: [Double]
    private var count = 0, loudest = -Double.infinity

    init(config: FeatureConfig) {
        let perSecond = config.frameRate / Double(config.keyHopFrames)
        wanted = Int((config.keyOpeningSeconds * perSecond).rounded())
        capacity = 2 * wanted
        floorDB = config.silenceFloorDB - config.silenceRangeDB
        rangeDB = config.silenceRangeDB
        profiles = [Double](repeating: 0, count: capacity * HarmonicPitchClassProfile.bins)
        loudness = [Double](repeating: 0, count: capacity)
    }

    /// Keeps one key frame's profile at loudness `level` dB while the opening is not full.
    mutating func add(_ profile: [Double], loudness level: Double) {
        if count > 0, level >= loudest + rangeDB { count = 0 }
        guard count < capacity, count > 0 || level >= floorDB else { return }
        loudest = count > 0 ? max(loudest, level) : level
        let bins = HarmonicPitchClassProfile.bins
        for b in 0..<bins { profiles[count * bins + b] = profile[b] }
        loudness[count] = level
        count += 1
    }

    mutating func reset() { (count, loudest) = (0, -.infinity) }

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
