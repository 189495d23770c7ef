/// Key and mode from a mean chroma vector: the Pearson correlation with each of the 24 rotations
/// of the Krumhansl–Kessler probe-tone profiles; the best is the key. `correlation` is that best
/// r (−1 … 1); `modeConfidence` is the best major r minus the best minor r in absolute value
/// (relative major and minor share their notes, so a small gap means an uncertain mode).
/// Nil when the chroma is flat (silence, noise-free constant).
/// ref: Krumhansl & Kessler 1982, Psychol. Rev. 89(4); Krumhansl 1990, "Cognitive Foundations of
/// Musical Pitch" (the key-finding algorithm); shared/docs/AFFECT.md (profile values)
func estimateKey(chroma: [Double]) -> KeyEstimate? {
    precondition(chroma.count == 12)
    let major = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
    let minor = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]
    var best: [KeyEstimate.Mode: (tonic: Int, r: Double)] = [:]
    for (mode, profile) in [(KeyEstimate.Mode.major, major), (.minor, minor)] {
        for tonic in 0..<12 {
            let rotated = (0..<12).map { profile[($0 - tonic + 12) % 12] }
            guard let r = pearson(chroma, rotated) else { return nil }
            if r > best[mode]?.r ?? -.infinity { best[mode] = (tonic, r) }
        }
    }
    let (majorBest, minorBest) = (best[.major]!, best[.minor]!)
    let mode: KeyEstimate.Mode = majorBest.r >= minorBest.r ? .major : .minor
    let winner = mode == .major ? majorBest : minorBest
    return KeyEstimate(tonic: winner.tonic, mode: mode, correlation: winner.r,
                       modeConfidence: abs(majorBest.r - minorBest.r))
}

/// Pearson correlation, or nil when either vector is constant.
private func pearson(_ x: [Double], _ y: [Double]) -> Double? {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my)
    }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
}
