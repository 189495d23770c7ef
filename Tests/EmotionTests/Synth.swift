import Foundation
import TestSupport

/// Test signals at 16 kHz, synthesized in double precision, deterministic (SplitMix64 noise).
enum Synth {
    static let rate = 16000.0

    /// Adds `event` into `y` at sample `start` (clipped to y's end).
    static func mix(_ event: [Double], into y: inout [Double], at start: Int) {
        guard start < y.count else { return }
        for i in 0..<min(event.count, y.count - start) { y[start + i] += event[i] }
    }

    /// Standard normal noise (Box–Muller).
    static func noise(_ count: Int, seed: UInt64) -> [Double] {
        var g = SplitMix64(state: seed)
        let uniform = { Double(g.next() >> 11) * 0x1p-53 }
        return (0..<count).map { _ in
            (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
        }
    }

    /// A 1 kHz click: 10 ms, 2 ms decay.
    static func click() -> [Double] {
        (0..<160).map { n in 0.5 * sin(2 * .pi * 1000 * Double(n) / rate) * exp(-Double(n) / 32) }
    }

    /// Kick: a 150 → 50 Hz sweep, 250 ms, 120 ms decay.
    static func kick() -> [Double] {
        var phase = 0.0
        return (0..<4000).map { n in
            let t = Double(n) / rate
            phase += 2 * .pi * (50 + 100 * exp(-t / 0.03)) / rate
            return 0.9 * sin(phase) * exp(-t / 0.12)
        }
    }

    /// Snare: noise (50 ms decay) and a 190 Hz body (80 ms), 200 ms.
    static func snare(seed: UInt64) -> [Double] {
        let n = noise(3200, seed: seed)
        return (0..<3200).map { i in
            let t = Double(i) / rate
            return 0.5 * n[i] * exp(-t / 0.05) + 0.3 * sin(2 * .pi * 190 * t) * exp(-t / 0.08)
        }
    }

    /// Closed hi-hat: differentiated noise, 60 ms, 15 ms decay.
    static func hat(seed: UInt64, amplitude: Double) -> [Double] {
        let n = noise(961, seed: seed)
        return (0..<960).map { i in amplitude * (n[i + 1] - n[i]) * exp(-Double(i) / rate / 0.015) }
    }

    enum Pattern { case clicks, rock, fourOnTheFloor }

    /// `seconds` of a pattern at `bpm`, first beat at `offset` s; the snare scaled by `snareGain`.
    ///   clicks:         a click on every beat;
    ///   rock:           kick on beats 1 and 3, snare on 2 and 4, hi-hat on every eighth note;
    ///   fourOnTheFloor: kick on every beat, snare on 2 and 4, hi-hat on the off-beats.
    static func rhythm(_ pattern: Pattern, bpm: Double, seconds: Double, offset: Double = 0.05,
                       snareGain: Double = 1, hatAmplitude: Double = 0.15) -> [Float] {
        var y = [Double](repeating: 0, count: Int(seconds * rate))
        let beat = 60 / bpm
        var b = 0
        while offset + Double(b) * beat < seconds {
            let kick = kick(), snare = snare(seed: UInt64(1_000_000 + b)).map { $0 * snareGain }
            for eighth in 0..<2 {
                let at = Int(((offset + (Double(b) + 0.5 * Double(eighth)) * beat) * rate).rounded())
                let hat = hat(seed: UInt64(2 * b + eighth + 1), amplitude: hatAmplitude)
                switch (pattern, eighth) {
                case (.clicks, 0): mix(click(), into: &y, at: at)
                case (.clicks, _): break
                case (.rock, 0):
                    mix(b % 2 == 0 ? kick : snare, into: &y, at: at)
                    mix(hat, into: &y, at: at)
                case (.rock, _): mix(hat, into: &y, at: at)
                case (.fourOnTheFloor, 0):
                    mix(kick, into: &y, at: at)
                    if b % 2 == 1 { mix(snare, into: &y, at: at) }
                case (.fourOnTheFloor, _): mix(hat, into: &y, at: at)
                }
            }
            b += 1
        }
        return y.map { Float($0) }
    }

    /// Sum of harmonics h = 1 … while h·f0 < 7.5 kHz (at most `harmonics`), amplitude
    /// `amplitude`/h, phases from `seed`; n samples.
    static func harmonicTone(f0: Double, count n: Int, harmonics: Int = 10, amplitude: Double = 0.2,
                             seed: UInt64 = 1) -> [Double] {
        var g = SplitMix64(state: seed)
        var y = [Double](repeating: 0, count: n)
        for h in 1...harmonics where Double(h) * f0 < 7500 {
            let phase = 2 * .pi * Double(g.next() >> 11) * 0x1p-53
            let w = 2 * .pi * Double(h) * f0 / rate
            for i in 0..<n { y[i] += amplitude / Double(h) * sin(w * Double(i) + phase) }
        }
        return y
    }

    /// A sustained vowel: a pulse train at `f0` whose periods vary by `jitter` (relative standard
    /// deviation, normal), through three formant resonators fixed in Hz (500, 1500, 2500 Hz; 80,
    /// 100, 120 Hz bandwidths: a neutral vowel), peak `amplitude`; n samples.
    /// ref: Klatt 1980, JASA 67(3) (cascade formant resonators); jitter as in Praat's "jitter (local)"
    static func vowel(f0: Double, jitter: Double, count n: Int, amplitude: Double = 0.3, seed: UInt64 = 1) -> [Double] {
        var y = [Double](repeating: 0, count: n)
        // Twice the pulses a steady f0 makes: the periods would have to halve on average to run out.
        let deviations = noise(2 * Int(Double(n) * f0 / rate) + 2, seed: seed)
        var t = 0.0, k = 0
        while Int(t) < n, k < deviations.count {
            y[Int(t)] += 1
            t += rate / f0 * (1 + jitter * deviations[k])
            k += 1
        }
        for (centre, bandwidth) in [(500.0, 80.0), (1500, 100), (2500, 120)] {
            let r = exp(-.pi * bandwidth / rate), a1 = 2 * r * cos(2 * .pi * centre / rate), a2 = -r * r
            var y1 = 0.0, y2 = 0.0
            for i in 0..<n {
                let out = (1 - r) * y[i] + a1 * y1 + a2 * y2
                (y2, y1, y[i]) = (y1, out, out)
            }
        }
        let peak = y.reduce(0) { max($0, abs($1)) }
        return y.map { amplitude * $0 / peak }
    }

    /// Equal-tempered frequency of MIDI note m (A4 = 69 = 440 Hz).
    static func midi(_ m: Int) -> Double { 440 * pow(2, Double(m - 69) / 12) }
}
