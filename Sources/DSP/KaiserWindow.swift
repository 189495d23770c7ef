import Foundation

/// Kaiser window and Kaiser's empirical design formulas for windowed-sinc lowpass filters.
///
/// For a stopband attenuation of `A` dB (passband and stopband ripple δ = 10^(−A/20)) and a
/// transition width of Δω radians per sample, Kaiser's formulas give the window's shape parameter
/// β and the filter order N (N + 1 taps); a sinc windowed this way meets the attenuation to within
/// a fraction of a dB (checked for our resampler's designs in ResamplerTests).
/// ref: J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window function",
/// Proc. IEEE ISCAS 1974, pp. 20–23; Oppenheim & Schafer, Discrete-Time Signal Processing,
/// 3rd ed., §7.5.3, eqs. (7.62)–(7.63).
public enum Kaiser {
    /// β for `attenuation` A dB:
    /// 0.1102·(A − 8.7) for A > 50, 0.5842·(A − 21)^0.4 + 0.07886·(A − 21) for 21 ≤ A ≤ 50, else 0.
    public static func beta(attenuation a: Double) -> Double {
        if a > 50 { return 0.1102 * (a - 8.7) }
        if a >= 21 { return 0.5842 * pow(a - 21, 0.4) + 0.07886 * (a - 21) }
        return 0
    }

    /// Filter order N = (A − 7.95) / (2.285·Δω) for `attenuation` A dB and a transition width of
    /// Δω radians per sample (not rounded; the filter has N + 1 taps).
    public static func order(attenuation a: Double, transitionWidth deltaOmega: Double) -> Double {
        (a - 7.95) / (2.285 * deltaOmega)
    }

    /// The window at relative position `x` ∈ [−1, 1] (0 at the centre):
    /// w(x) = I0(β·√(1 − x²)) / I0(β); 1 at the centre, 1/I0(β) at the ends, 0 outside.
    public static func window(_ x: Double, beta: Double) -> Double {
        let r = 1 - x * x
        guard r >= 0 else { return 0 }
        return besselI0(beta * r.squareRoot()) / besselI0(beta)
    }

    /// The modified Bessel function of the first kind, order 0, by its power series
    /// I0(x) = Σ_k ((x/2)^k / k!)², summed until a term falls below 1e-17 of the sum (full
    /// double precision for the |x| ≲ 30 that windows use).
    public static func besselI0(_ x: Double) -> Double {
        let q = x * x / 4
        var term = 1.0, sum = 1.0, k = 1.0
        while term > 1e-17 * sum {
            term *= q / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
