import Foundation

/// A real-input forward FFT plan for a power-of-two length `n` (n ≥ 2).
///
/// The plan runs FFTPACK's real radix-4/radix-2 passes in the operation order of pocketfft's
/// `rfftp` (ref: pocketfft_hdronly.hpp, rfftp::forward, radf4, radf2, factorize, comp_twiddle),
/// the FFT that NumPy ≥ 1.17, SciPy and TensorFlow's CPU `tf.signal.rfft` use. In float32 it
/// reproduces TensorFlow's spectrum bit for bit, which YAMNet's log-mel needs: a float32 FFT's
/// rounding noise sits at ~1e-7 of the frame's energy, and the 0.001 log floor turns that into
/// ~1e-3 differences in quiet bins unless the rounding is the same.
///
/// Build once (twiddles are computed here, in double precision), run many times; `forward` is
/// not thread-safe on one plan because it uses the plan's scratch buffers. Output is unscaled:
/// X[k] = Σ x[t]·e^{-2πikt/n}, k = 0…n/2, i.e. n/2 + 1 complex bins. `forward4` transforms four
/// frames at once in SIMD lanes; each lane performs exactly the scalar operations, so its
/// results are identical to four `forward` calls.
public final class RealFFTPlan: @unchecked Sendable {
    public let n: Int
    /// Radix of each pass, in pocketfft's factor order (the radix-2 pass first, if any).
    private let factors: [Int]
    /// Twiddles per factor, pocketfft layout: tw[(j-1)·(ido-1) + 2i-2 ...], (cos, sin) pairs.
    private let twiddles: [[Float]]
    private let scratch: UnsafeMutablePointer<Float>
    private let work: UnsafeMutablePointer<Float>
    private let scratch4: UnsafeMutablePointer<SIMD4<Float>>
    private let work4: UnsafeMutablePointer<SIMD4<Float>>

    public init(n: Int) throws(DSPError) {
        guard n >= 2, n & (n - 1) == 0 else { throw .unsupportedFFTLength(n) }
        self.n = n
        // ref: rfftp::factorize — 4s first, then one 2 moved to the front.
        var f: [Int] = []
        var len = n
        while len % 4 == 0 { f.append(4); len /= 4 }
        if len % 2 == 0 { len /= 2; f.append(2); f.swapAt(0, f.count - 1) }
        factors = f
        // ref: rfftp::comp_twiddle — the last factor needs none.
        var tws: [[Float]] = []
        var l1 = 1
        for (k, ip) in f.enumerated() {
            let ido = n / (l1 * ip)
            var tw = [Float](repeating: 0, count: k < f.count - 1 ? (ip - 1) * (ido - 1) : 0)
            if k < f.count - 1 {
                for j in 1..<ip {
                    for i in stride(from: 1, through: (ido - 1) / 2, by: 1) {
                        let angle = 2 * Double.pi * Double(j * l1 * i) / Double(n)
                        tw[(j - 1) * (ido - 1) + 2 * i - 2] = Float(cos(angle))
                        tw[(j - 1) * (ido - 1) + 2 * i - 1] = Float(sin(angle))
                    }
                }
            }
            tws.append(tw)
            l1 *= ip
        }
        twiddles = tws
        scratch = .allocate(capacity: n)
        work = .allocate(capacity: n)
        scratch4 = .allocate(capacity: n)
        work4 = .allocate(capacity: n)
    }

    deinit {
        scratch.deallocate(); work.deallocate()
        scratch4.deallocate(); work4.deallocate()
    }

    /// Transforms `input` (n real samples; fewer are zero-padded to n) into `n/2 + 1` complex
    /// bins written to `real` and `imag`.
    public func forward(_ input: UnsafePointer<Float>, count: Int,
                        real: UnsafeMutablePointer<Float>, imag: UnsafeMutablePointer<Float>) {
        precondition(count <= n)
        work.update(from: input, count: count)
        if count < n { (work + count).update(repeating: 0, count: n - count) }
        unpack(halfComplexForward(work, scratch), real: real, imag: imag)
    }

    /// Four frames at once: `input[t]` holds sample t of each frame in its four lanes (fewer
    /// than n samples are zero-padded); bins go to `real`/`imag` the same way.
    public func forward4(_ input: UnsafePointer<SIMD4<Float>>, count: Int,
                         real: UnsafeMutablePointer<SIMD4<Float>>, imag: UnsafeMutablePointer<SIMD4<Float>>) {
        precondition(count <= n)
        work4.update(from: input, count: count)
        if count < n { (work4 + count).update(repeating: SIMD4(repeating: 0), count: n - count) }
        unpack(halfComplexForward(work4, scratch4), real: real, imag: imag)
    }

    /// ref: pocketfft general_r2c — halfcomplex [r0, r1, i1, …, r_{n/2}] to complex bins.
    private func unpack<T: FFTLane>(_ out: UnsafeMutablePointer<T>,
                                    real: UnsafeMutablePointer<T>, imag: UnsafeMutablePointer<T>) {
        real[0] = out[0]; imag[0] = .zero
        for k in 1..<(n / 2) {
            real[k] = out[2 * k - 1]
            imag[k] = out[2 * k]
        }
        real[n / 2] = out[n - 1]; imag[n / 2] = .zero
    }

    /// Runs the passes on `work` (using `scratch`); returns the buffer holding the result.
    private func halfComplexForward<T: FFTLane>(_ work: UnsafeMutablePointer<T>,
                                                _ scratch: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
        var p1 = work, p2 = scratch
        var l1 = n
        for k in stride(from: factors.count - 1, through: 0, by: -1) {
            let ip = factors[k]
            let ido = n / l1
            l1 /= ip
            twiddles[k].withUnsafeBufferPointer { wa in
                if ip == 4 {
                    Self.radf4(ido: ido, l1: l1, cc: p1, ch: p2, wa: wa.baseAddress)
                } else {
                    Self.radf2(ido: ido, l1: l1, cc: p1, ch: p2, wa: wa.baseAddress)
                }
            }
            swap(&p1, &p2)
        }
        return p1
    }

    // Index arithmetic below uses wrapping operators (&+, &*): the plan's sizes are small and
    // fixed at init, and overflow checks on every index would dominate these loops.

    // ref: pocketfft radf2. cc is [ido, l1, 2], ch is [ido, 2, l1] (fastest index first).
    private static func radf2<T: FFTLane>(ido: Int, l1: Int, cc: UnsafeMutablePointer<T>,
                                          ch: UnsafeMutablePointer<T>, wa: UnsafePointer<Float>?) {
        let cs = ido &* l1                                   // stride of cc's last index
        for k in 0..<l1 {
            let c0 = cc + k &* ido, c1 = c0 + cs               // CC(·, k, 0), CC(·, k, 1)
            let h0 = ch + 2 &* k &* ido, h1 = h0 + ido         // CH(·, 0, k), CH(·, 1, k)
            h0[0] = c0[0] + c1[0]
            h1[ido &- 1] = c0[0] - c1[0]
            if ido & 1 == 0 {
                h1[0] = -c1[ido &- 1]
                h0[ido &- 1] = c0[ido &- 1]
            }
            guard ido > 2, let wa else { continue }
            var i = 2
            while i < ido {
                let ic = ido &- i
                let (tr2, ti2) = mulpm(wa[i &- 2], wa[i &- 1], c1[i &- 1], c1[i])
                h0[i &- 1] = c0[i &- 1] + tr2
                h1[ic &- 1] = c0[i &- 1] - tr2
                h0[i] = ti2 + c0[i]
                h1[ic] = ti2 - c0[i]
                i &+= 2
            }
        }
    }

    // ref: pocketfft radf4. cc is [ido, l1, 4], ch is [ido, 4, l1].
    private static func radf4<T: FFTLane>(ido: Int, l1: Int, cc: UnsafeMutablePointer<T>,
                                          ch: UnsafeMutablePointer<T>, wa: UnsafePointer<Float>?) {
        let hsqt2 = Float(0.707106781186547524400844362104849)
        let cs = ido &* l1
        for k in 0..<l1 {
            let c0 = cc + k &* ido, c1 = c0 + cs, c2 = c1 + cs, c3 = c2 + cs     // CC(·, k, j)
            let h0 = ch + 4 &* k &* ido, h1 = h0 + ido, h2 = h1 + ido, h3 = h2 + ido  // CH(·, j, k)
            let last = ido &- 1
            let tr1 = c3[0] + c1[0]
            h2[0] = c3[0] - c1[0]
            let tr2 = c0[0] + c2[0]
            h1[last] = c0[0] - c2[0]
            h0[0] = tr2 + tr1
            h3[last] = tr2 - tr1
            if ido & 1 == 0 {
                let ti1 = -hsqt2 * (c1[last] + c3[last])
                let tr1 = hsqt2 * (c1[last] - c3[last])
                h0[last] = c0[last] + tr1
                h2[last] = c0[last] - tr1
                h3[0] = ti1 + c2[last]
                h1[0] = ti1 - c2[last]
            }
            guard ido > 2, let wa else { continue }
            let w1 = wa, w2 = wa + last, w3 = w2 + last
            var i = 2
            while i < ido {
                let ic = ido &- i, im = i &- 1, icm = ic &- 1
                let (cr2, ci2) = mulpm(w1[i &- 2], w1[im], c1[im], c1[i])
                let (cr3, ci3) = mulpm(w2[i &- 2], w2[im], c2[im], c2[i])
                let (cr4, ci4) = mulpm(w3[i &- 2], w3[im], c3[im], c3[i])
                let tr1 = cr4 + cr2, tr4 = cr4 - cr2
                let ti1 = ci2 + ci4, ti4 = ci2 - ci4
                let tr2 = c0[im] + cr3, tr3 = c0[im] - cr3
                let ti2 = c0[i] + ci3, ti3 = c0[i] - ci3
                h0[im] = tr2 + tr1
                h3[icm] = tr2 - tr1
                h0[i] = ti1 + ti2
                h3[ic] = ti1 - ti2
                h2[im] = tr3 + ti4
                h1[icm] = tr3 - ti4
                h2[i] = tr4 + ti3
                h1[ic] = tr4 - ti3
                i &+= 2
            }
        }
    }

    /// (a + ib) = conj(c + id)·(e + if). ref: pocketfft MULPM.
    @inline(__always)
    private static func mulpm<T: FFTLane>(_ c: Float, _ d: Float, _ e: T, _ f: T) -> (T, T) {
        (c * e + d * f, c * f - d * e)
    }
}

/// What an FFT pass computes with: one frame (`Float`) or four frames in SIMD lanes.
public protocol FFTLane {
    static var zero: Self { get }
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Float, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
}

extension Float: FFTLane {}
extension SIMD4: FFTLane where Scalar == Float {}
