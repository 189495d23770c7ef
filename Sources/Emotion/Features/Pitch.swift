import DSP
import Foundation

/// One pitch frame's result: F0 in Hz (0 when unvoiced), YIN's aperiodicity at the chosen period
/// (0 = periodic, ~1 = noise), the voicing decision, the normalized autocorrelation at that period
/// (0 below the level floor), the harmonics-to-noise ratio in dB (0 when unvoiced) and the
/// frame's level in dB re full scale (10·log10 of its mean square + 1e-12).
struct PitchFrame {
    var f0: Float = 0
    var aperiodicity: Float = 1
    var voiced = false
    var periodicity: Float = 0
    var hnr: Float = 0
    var level: Float = -120
}

/// F0 by YIN with voicing decisions, and HNR, on rectangular frames of `frame` samples.
///
/// For lags τ = 1 … τmax+1 (τmin = ⌊sr/f0Max⌋, τmax = ⌈sr/f0Min⌉):
///   d(τ)  = W/(W−τ) · Σ_{j<W−τ} (x_j − x_{j+τ})², the squared difference over the frame's overlap
///           with its lagged copy, scaled to W terms (YIN's eq. 6 on a fixed frame);
///           computed as e1(τ) + e2(τ) − 2·r(τ) from prefix sums of x² and the autocorrelation r;
///   d'(τ) = d(τ)·τ / Σ_{j=1…τ} d(j), the cumulative mean normalized difference (eq. 8).
/// The period is the first τ in [τmin, τmax] with d'(τ) < yinThreshold, moved on to the bottom of
/// its dip, or else the global minimum (step 4); parabolic interpolation of d' refines it (step 5).
/// The frame is voiced when d' there is below voicingThreshold and its level above pitchFloorDB.
/// The periodicity is the normalized autocorrelation r(τ)/√(e1·e2), its largest value at the
/// period ± 1, for every frame above the floor; HNR is computed from it for the voiced frames.
/// d' at the period is about 1 − r, so voicingThreshold asks r ≳ 0.75. A voice with jitter falls
/// under that the lower it is: its formants stay put in Hz, so more of its energy lies in high
/// harmonics, which the same relative jitter decorrelates more (PitchTests.lowVoiceIsPeriodic:
/// 2 % jitter: 0.28 of the frames voiced at 80 Hz, 0.91 at 200 Hz). The periodic fraction
/// (FeatureConfig.periodicThreshold) keeps such frames.
/// r comes from two forward FFTs of 2W points: |X|² of the zero-padded frame is real and even, so
/// its inverse transform equals its forward one divided by 2W.
/// ref: de Cheveigné & Kawahara 2002, JASA 111(4), "YIN, a fundamental frequency estimator";
/// librosa.yin (the same difference via FFT); shared/docs/AFFECT.md
final class YIN {
    private let frame: Int, minLag: Int, maxLag: Int
    private let sampleRate: Double
    private let threshold: Double, voicingThreshold: Double, floorDB: Double
    private let plan: RealFFTPlan
    private let n: Int                               // FFT length, ≥ 2·frame
    private let padded: UnsafeMutablePointer<Float>  // [n]: the frame, then |X|² extended evenly
    private let real: UnsafeMutablePointer<Float>    // [n/2 + 1]
    private let imag: UnsafeMutablePointer<Float>    // [n/2 + 1]
    private let prefix: UnsafeMutablePointer<Double> // [frame + 1]: prefix[j] = Σ_{i<j} x_i²
    private let acf: UnsafeMutablePointer<Double>    // [maxLag + 2]: r(τ)
    private let difference: UnsafeMutablePointer<Double> // [maxLag + 2]: d′(τ)

    init(config: FeatureConfig) throws(DSPError) {
        frame = config.pitchFrame
        sampleRate = Double(config.sampleRate)
        minLag = max(2, Int((sampleRate / config.f0Max).rounded(.down)))
        maxLag = Int((sampleRate / config.f0Min).rounded(.up))
        threshold = config.yinThreshold
        voicingThreshold = config.voicingThreshold
        floorDB = config.pitchFloorDB
        var n = 2
        while n < 2 * frame { n <<= 1 }
        self.n = n
        plan = try RealFFTPlan(n: n)
        padded = .allocate(capacity: n)
        real = .allocate(capacity: n / 2 + 1)
        imag = .allocate(capacity: n / 2 + 1)
        prefix = .allocate(capacity: frame + 1)
        prefix[0] = 0
        acf = .allocate(capacity: maxLag + 2)
        difference = .allocate(capacity: maxLag + 2)
    }

    deinit {
        padded.deallocate(); real.deallocate(); imag.deallocate()
        prefix.deallocate(); acf.deallocate(); difference.deallocate()
    }

    /// Analyses the `frame` samples at `samples`.
    func analyze(_ samples: UnsafePointer<Float>) -> PitchFrame {
        for j in 0..<frame { prefix[j + 1] = prefix[j] + Double(samples[j]) * Double(samples[j]) }
        let energy = prefix[frame]
        var result = PitchFrame(level: Float(10 * log10(energy / Double(frame) + 1e-12)))
        guard Double(result.level) >= floorDB, energy > 0 else { return result }

        autocorrelate(samples)
        // d'(τ); d(τ) clamped at 0 against rounding.
        difference[0] = 1
        var cumulative = 0.0
        for tau in 1...(maxLag + 1) {
            let e1 = prefix[frame - tau], e2 = energy - prefix[tau]
            let d = max(0, e1 + e2 - 2 * acf[tau]) * Double(frame) / Double(frame - tau)
            cumulative += d
            difference[tau] = cumulative > 0 ? d * Double(tau) / cumulative : 1
        }
        // Step 4: first dip below the threshold, to its bottom; else the global minimum.
        var lag = (minLag...maxLag).first { difference[$0] < threshold }
        if var tau = lag {
            while tau < maxLag, difference[tau + 1] < difference[tau] { tau += 1 }
            lag = tau
        }
        let tau = lag ?? (minLag...maxLag).min { difference[$0] < difference[$1] }!
        // Step 5: parabolic interpolation.
        let a = difference[tau - 1], b = difference[tau], c = difference[tau + 1]
        let curvature = a - 2 * b + c
        let shift = curvature > 0 ? max(-1, min(1, 0.5 * (a - c) / curvature)) : 0
        result.aperiodicity = Float(b)
        result.voiced = b < voicingThreshold
        // The largest normalized r over τ − 1 … τ + 1, in a loop: nothing allocated per frame.
        let normalized = { (t: Int) in
            let norm = (self.prefix[self.frame - t] * (energy - self.prefix[t])).squareRoot()
            return norm > 0 ? self.acf[t] / norm : 0
        }
        var correlation = normalized(tau - 1)
        for t in tau...(tau + 1) where correlation < normalized(t) { correlation = normalized(t) }
        result.periodicity = Float(min(max(correlation, 0), 1))
        guard result.voiced else { return result }
        result.f0 = Float(sampleRate / (Double(tau) + shift))
        result.hnr = harmonicsToNoiseRatio(correlation: correlation)
        return result
    }

    /// acf[τ] = r(τ) = Σ_{j<W−τ} x_j x_{j+τ} for the frame at `samples`, via |FFT|² and a second FFT.
    private func autocorrelate(_ samples: UnsafePointer<Float>) {
        padded.update(from: samples, count: frame)
        (padded + frame).update(repeating: 0, count: n - frame)
        plan.forward(padded, count: n, real: real, imag: imag)
        // |X_k|², extended to the full even sequence of length n.
        for k in 0...(n / 2) { padded[k] = real[k] * real[k] + imag[k] * imag[k] }
        for k in (n / 2 + 1)..<n { padded[k] = padded[n - k] }
        plan.forward(padded, count: n, real: real, imag: imag)
        for tau in 0..<(maxLag + 2) { acf[tau] = Double(real[tau]) / Double(n) }
    }
}
