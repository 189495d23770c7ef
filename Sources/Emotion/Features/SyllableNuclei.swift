/// Syllable nuclei for the speech rate (syllables per second), after de Jong & Wempe 2009:
/// peaks of the intensity contour (dB, the 64 ms pitch frames) that
///   1. lie above threshold = the file's 0.99 quantile − 25 dB,
///   2. stand more than 2 dB above the lowest intensity between them and the next peak above the
///      threshold (for the last peak: up to the end of the file; the Praat script drops it),
///   3. are voiced.
/// Streaming keeps only the local maxima (intensity, voicing, lowest intensity since the previous
/// maximum); the threshold needs the whole file, so the count is made at the end.
/// ref: de Jong & Wempe 2009, Behav. Res. Methods 41(2), "Praat script to detect syllable nuclei
/// and measure speech rate automatically" (silence −25 dB, minimum dip 2 dB); shared/docs/AFFECT.md
struct SyllableNuclei {
    private struct Peak {
        var intensity: Float
        var voiced: Bool
        var dipBefore: Float       // lowest intensity between the previous maximum and this one
    }
    private static let dropDB: Float = 25, minimumDipDB: Float = 2
    private var peaks: [Peak] = []
    private var low = Float.infinity           // lowest intensity since the last maximum
    private var last: (intensity: Float, voiced: Bool)?
    private var rising = false

    /// Adds the next frame's intensity (dB) and voicing.
    mutating func add(intensity: Float, voiced: Bool) {
        if let last {
            if intensity > last.intensity {
                rising = true
            } else if rising, intensity < last.intensity {
                peaks.append(Peak(intensity: last.intensity, voiced: last.voiced, dipBefore: low))
                low = .infinity
                rising = false
            }
        }
        low = min(low, intensity)
        last = (intensity, voiced)
    }

    /// The number of nuclei, given the file's 0.99 intensity quantile.
    func count(quantile99: Float) -> Int {
        let threshold = quantile99 - Self.dropDB
        var nuclei = 0
        var pending: Peak?             // the last peak above the threshold, awaiting its dip
        var dip = Float.infinity       // lowest intensity since `pending`
        for peak in peaks {
            dip = min(dip, peak.dipBefore)
            guard peak.intensity > threshold else { continue }
            if let p = pending, p.voiced, p.intensity - dip > Self.minimumDipDB { nuclei += 1 }
            pending = peak
            dip = .infinity
        }
        if let p = pending, p.voiced, p.intensity - min(dip, low) > Self.minimumDipDB { nuclei += 1 }
        return nuclei
    }
}
