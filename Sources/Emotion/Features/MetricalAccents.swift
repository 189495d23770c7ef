// Metrical accents: whether a beat level's every other beat is as strong as the rest.
import Foundation

/// The last `seconds` of onset strength, and how strong a level's alternate beats are.
///
/// The autocorrelation says how periodic each level is, not which one is the beat: a slow piece
/// whose melody runs in eighth notes is about as periodic at the eighths as at the beat, and the
/// tempo prior (centred on 120 BPM) then prefers the eighths (60–80 BPM read as 120–160). A beat
/// level is one whose beats all carry the weight of the metre; a subdivision alternates strong
/// onsets (on the beat: chord, bass, melody) with weak ones (between: the melody alone, or
/// nothing). So the onset strength, on a dB scale (`rangeDB`), is folded at two periods of the
/// level: at the phase where the comb of every second beat is strongest, the mean of the other
/// beats against it. Under `subdivisionRatio` the level is taken for a subdivision and the tempo
/// for the level above. Chosen on the emotion bench (dev … probe5: exact-level tempo 513 → 579 of
/// 672 clips, octave-tolerant 656 either way); the tests' drum loops keep every tempo, and songs
/// with running eighths on three beats in five keep their beat (`TempoTests.runningEighthsAreNotTheBeat`;
/// a temporary print, not kept, read 0.50–0.56 at their eighths and 0.91–0.94 at beats).
/// ref: Lerdahl & Jackendoff 1983, A Generative Theory of Tonal Music, ch. 4 (metrical
/// well-formedness: a beat at one level is a beat at every level below it, and strong and weak
/// beats alternate); Klapuri, Eronen & Astola 2006, IEEE TASLP 14(1) (tatum, tactus and measure
/// levels from accent periodicity)
struct MetricalAccents {
    /// The onset strength kept: the latest 30 s (the metre of a long file is judged on its end).
    static let seconds = 30.0
    /// Under this alternate-beat ratio a level is a subdivision.
    static let subdivisionRatio = 0.65
    /// A level is not taken for a subdivision when the level above would be slower than this: a
    /// pulse slower than 50 BPM (1.2 s) is rarely heard as the beat, listeners tap a faster level
    /// (van Noorden & Moelants 1999, J. New Music Res. 28(1): the resonance of pulse perception
    /// falls off well before 1 s periods), and there strong and weak beats alternate as a metre's
    /// do (a bass on beats 1 and 3: emotion bench, 10 slow clips at 63–77 BPM were halved to 31–42
    /// without this bound).
    static let slowestBeatBPM = 50.0
    /// Strengths count on a dB scale over this range under the loudest (0 at or below its
    /// bottom, 1 at the loudest): accents are heard by level. On power, a bass note on every other
    /// beat makes a true beat level look like a subdivision; without a floor, the faint rises of
    /// decaying notes between the beats count as accents.
    static let rangeDB = 30.0
    private var ring: [Double]
    private var count = 0                       // frames added

    init(frames: Int) { ring = [Double](repeating: 0, count: max(1, frames)) }

    mutating func reset() { count = 0 }

    mutating func add(_ strength: Double) {
        ring[count % ring.count] = strength
        count += 1
    }

    /// For a level of `period` frames: the mean strength of the weaker beats' comb over the
    /// stronger's, the combs being every second beat (period 2·`period`) at the phase with the
    /// largest mean and half a cycle later, each beat taking the largest strength within a frame
    /// of where it falls. Nil when fewer than four cycles are kept or nothing rises.
    func alternateBeatRatio(period: Double) -> Double? {
        let kept = min(count, ring.count), first = count - kept
        let cycle = 2 * period
        guard period >= 1, Double(kept) >= 4 * cycle else { return nil }
        var loudest = 0.0
        for t in 0..<kept { loudest = max(loudest, ring[(first + t) % ring.count]) }
        guard loudest > 0 else { return nil }
        let at = { (t: Int) -> Double in
            let s = ring[(first + t) % ring.count]
            return s > 0 ? max(0, 1 + 10 * log10(s / loudest) / Self.rangeDB) : 0
        }
        let comb = { (phase: Double) -> Double in
            var sum = 0.0, beats = 0
            var x = phase
            while Int(x.rounded()) + 1 < kept {
                let t = Int(x.rounded())
                sum += max(at(max(0, t - 1)), at(t), at(t + 1))
                beats += 1
                x += cycle
            }
            return beats > 0 ? sum / Double(beats) : 0
        }
        var strongest = (phase: 0.0, mean: 0.0)
        for phase in stride(from: 0.0, to: cycle, by: 1) {
            let mean = comb(phase)
            if mean > strongest.mean { strongest = (phase, mean) }
        }
        guard strongest.mean > 0 else { return nil }
        return comb(strongest.phase + period) / strongest.mean
    }
}
