import Foundation

/// The polyphase synthesis filter bank of one channel: 32 subband samples in, 32 PCM samples out
/// per time slot. ref: ISO/IEC 11172-3 §2.4.3.4 (synthesis subband filter, as for Layers I and
/// II: Annex A, "synthesis subband filter" flow chart):
///
/// - matrixing: `V_i = Σ_k N_ik · S_k`, `N_ik = cos((16 + i)(2k + 1)π/64)`, i = 0…63, into a
///   1024-value FIFO shifted by 64 each step;
/// - window: `U_(64i+j) = V_(128i+j)`, `U_(64i+32+j) = V_(128i+96+j)`, `W = U · D`;
/// - output: `S_j = Σ_i W_(j+32i)`, i = 0…15.
///
/// The matrixing is computed from a 32-point DCT-II, `X_m = Σ_k S_k cos(mπ(2k + 1)/64)`, since
/// `V_i = X_(16+i)` for i < 16, `V_16 = 0`, `V_i = −X_(48−i)` for 17 ≤ i < 48, `V_i = −X_(i−48)`
/// above (cos is even and `cos(θ ± (2k + 1)π) = −cos θ`), by Lee's fast algorithm (`MP3DCT32`) on
/// four time slots at once, one per SIMD lane. The FIFO is a ring of 16 blocks of 64; with
/// `V^a` the block of `a` slots ago, the window step is `S_j = Σ_a D_(32a+j) · V^a_(32(a mod 2)+j)`,
/// a = 0…15. The tests compare it with the standard's flow in Double.
final class MP3SynthesisFilter {
    /// The ring of V blocks: 16 × 64.
    private let ring = UnsafeMutablePointer<Float>.allocate(capacity: 16 * 64)
    /// The block of the current slot.
    private var newest = 0
    /// Four slots' DCT inputs/outputs (lane = slot) and the Lee recursion's scratch: 2 × 32.
    private let lanes = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: 64)
    /// The DCT outputs by slot: 4 × 36 (32 and a zero, padded).
    private let columns = UnsafeMutablePointer<Float>.allocate(capacity: 4 * 36)

    /// Subband samples read per call: 32 subbands of `slotStride` slots, plus the padding read by the
    /// last group of four slots.
    static let slotStride = 18, inputCount = 32 * slotStride + 4

    init() {
        ring.initialize(repeating: 0, count: 16 * 64)
        lanes.initialize(repeating: .zero, count: 64)
        columns.initialize(repeating: 0, count: 4 * 36)
    }

    deinit { ring.deallocate(); lanes.deallocate(); columns.deallocate() }

    /// Filters `slots` (≤ 18) time slots of `samples` (subband-major: slot t of subband k at
    /// `18k + t`; `inputCount` values readable) into `output` (32 samples a slot).
    func filter(_ samples: UnsafePointer<Float>, slots: Int, output: UnsafeMutablePointer<Float>) {
        precondition(slots <= Self.slotStride)
        MP3SynthesisWindow.coefficients.withUnsafeBufferPointer { wb in
            let d = UnsafeRawPointer(wb.baseAddress!)
            for group in Swift.stride(from: 0, to: slots, by: 4) {
                for k in 0..<32 {
                    lanes[k] = UnsafeRawPointer(samples + Self.slotStride * k + group).loadUnaligned(as: SIMD4<Float>.self)
                }
                MP3DCT32.transform(lanes, scratch: lanes + 32)
                transposeLanes()
                for lane in 0..<min(4, slots - group) {
                    newest = (newest + 15) & 15
                    store(columns + 36 * lane, into: ring + 64 * newest)
                    applyWindow(d, output: output + 32 * (group + lane))
                }
            }
        }
    }

    /// The DCT outputs of each slot, contiguous: `columns[36 · lane + m]` = lane `lane` of
    /// `lanes[m]`, with `columns[36 · lane + 32] = 0` (read by `store`).
    private func transposeLanes() {
        for q in 0..<8 {
            let a = lanes[4 * q], b = lanes[4 * q + 1], c = lanes[4 * q + 2], e = lanes[4 * q + 3]
            let o = UnsafeMutableRawPointer(columns + 4 * q)
            o.storeBytes(of: SIMD4(a[0], b[0], c[0], e[0]), toByteOffset: 0, as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(a[1], b[1], c[1], e[1]), toByteOffset: 144, as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(a[2], b[2], c[2], e[2]), toByteOffset: 288, as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(a[3], b[3], c[3], e[3]), toByteOffset: 432, as: SIMD4<Float>.self)
        }
    }

    /// Writes block V (64 values) from one slot's DCT outputs `x` (32, then a 0).
    @inline(__always)
    private func store(_ x: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>) {
        let src = UnsafeRawPointer(x), dst = UnsafeMutableRawPointer(v)
        @inline(__always) func load(_ m: Int) -> SIMD4<Float> { src.loadUnaligned(fromByteOffset: 4 * m, as: SIMD4<Float>.self) }
        @inline(__always) func reversed(_ m: Int) -> SIMD4<Float> { let r = load(m); return SIMD4(r[3], r[2], r[1], r[0]) }
        @inline(__always) func put(_ i: Int, _ value: SIMD4<Float>) { dst.storeBytes(of: value, toByteOffset: 4 * i, as: SIMD4<Float>.self) }
        for q in 0..<4 {
            put(4 * q, load(16 + 4 * q))                       // V_i = X_16+i, i < 16
            put(16 + 4 * q, -reversed(29 - 4 * q))              // V_16 = 0 (X_32), V_i = −X_48−i
            put(32 + 4 * q, -reversed(13 - 4 * q))              // V_i = −X_48−i, i < 48
            put(48 + 4 * q, -load(4 * q))                       // V_i = −X_i−48
        }
    }

    /// The window step for the newest slot, into 32 samples at `output`.
    @inline(__always)
    private func applyWindow(_ d: UnsafeRawPointer, output: UnsafeMutablePointer<Float>) {
        var acc = (SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(),
                   SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>(), SIMD4<Float>())
        for a in 0..<16 {
            let v = UnsafeRawPointer(ring + 64 * ((newest + a) & 15) + 32 * (a & 1))
            let w = d + 128 * a
            @inline(__always) func term(_ b: Int) -> SIMD4<Float> {
                w.loadUnaligned(fromByteOffset: 16 * b, as: SIMD4<Float>.self) * v.loadUnaligned(fromByteOffset: 16 * b, as: SIMD4<Float>.self)
            }
            acc.0 += term(0); acc.1 += term(1); acc.2 += term(2); acc.3 += term(3)
            acc.4 += term(4); acc.5 += term(5); acc.6 += term(6); acc.7 += term(7)
        }
        let o = UnsafeMutableRawPointer(output)
        o.storeBytes(of: acc.0, toByteOffset: 0, as: SIMD4<Float>.self)
        o.storeBytes(of: acc.1, toByteOffset: 16, as: SIMD4<Float>.self)
        o.storeBytes(of: acc.2, toByteOffset: 32, as: SIMD4<Float>.self)
        o.storeBytes(of: acc.3, toByteOffset: 48, as: SIMD4<Float>.self)
        o.storeBytes(of: acc.4, toByteOffset: 64, as: SIMD4<Float>.self)
        o.storeBytes(of: acc.5, toByteOffset: 80, as: SIMD4<Float>.self)
        o.storeBytes(of: acc.6, toByteOffset: 96, as: SIMD4<Float>.self)
        o.storeBytes(of: acc.7, toByteOffset: 112, as: SIMD4<Float>.self)
    }

    /// Interleaves two channels of `count` (a multiple of 4) samples into `output`.
    static func interleave(_ left: UnsafePointer<Float>, _ right: UnsafePointer<Float>, count: Int,
                           into output: UnsafeMutablePointer<Float>) {
        let l = UnsafeRawPointer(left), r = UnsafeRawPointer(right), o = UnsafeMutableRawPointer(output)
        for i in Swift.stride(from: 0, to: count, by: 4) {
            let a = l.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self)
            let b = r.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(a[0], b[0], a[1], b[1]), toByteOffset: 8 * i, as: SIMD4<Float>.self)
            o.storeBytes(of: SIMD4(a[2], b[2], a[3], b[3]), toByteOffset: 8 * i + 16, as: SIMD4<Float>.self)
        }
    }
}

/// The 32-point DCT-II `X_m = Σ_k x_k cos(mπ(2k + 1)/64)` by Lee's recursion: an n-point DCT-II is
/// the (n/2)-point ones of `g_k = x_k + x_(n−1−k)` (the even outputs) and of
/// `h_k = (x_k − x_(n−1−k)) / (2 cos(π(2k + 1)/(2n)))`, whose neighbours summed give the odd ones:
/// `X_(2r+1) = H_r + H_(r+1)`, `H_(n/2) = 0`. 80 multiplications instead of 1024, here on four lanes.
/// ref: B. G. Lee, "A new algorithm to compute the discrete cosine transform", IEEE Trans. ASSP
/// 32(6), 1984
enum MP3DCT32 {
    /// `1 / (2 cos(π(2k + 1)/(2n)))` for n = 32, 16, 8, 4, 2 one after another (k < n/2).
    static let factors: [Float] = [32, 16, 8, 4, 2].flatMap { n in
        (0..<(n / 2)).map { k in Float(1 / (2 * cos(Double.pi * Double(2 * k + 1) / Double(2 * n)))) }
    }

    /// The DCT-II of `x` (32 vectors of four lanes) in place; `scratch` holds 32 more.
    static func transform(_ x: UnsafeMutablePointer<SIMD4<Float>>, scratch: UnsafeMutablePointer<SIMD4<Float>>) {
        factors.withUnsafeBufferPointer { f in dct32(x, scratch, f.baseAddress!) }
    }

    // One function per size so that every loop has a constant trip count and unrolls.
    private static func dct32(_ x: Lanes, _ t: Lanes, _ f: UnsafePointer<Float>) {
        split(x, 32, t, f); dct16(t, x, f + 16); dct16(t + 16, x, f + 16); merge(x, 32, t)
    }
    private static func dct16(_ x: Lanes, _ t: Lanes, _ f: UnsafePointer<Float>) {
        split(x, 16, t, f); dct8(t, x, f + 8); dct8(t + 8, x, f + 8); merge(x, 16, t)
    }
    @inline(__always) private static func dct8(_ x: Lanes, _ t: Lanes, _ f: UnsafePointer<Float>) {
        split(x, 8, t, f); dct4(t, x, f + 4); dct4(t + 4, x, f + 4); merge(x, 8, t)
    }
    @inline(__always) private static func dct4(_ x: Lanes, _ t: Lanes, _ f: UnsafePointer<Float>) {
        split(x, 4, t, f); dct2(t, f + 2); dct2(t + 2, f + 2); merge(x, 4, t)
    }
    @inline(__always) private static func dct2(_ x: Lanes, _ f: UnsafePointer<Float>) {
        let a = x[0], b = x[1]
        x[0] = a + b
        x[1] = (a - b) * f[0]
    }

    typealias Lanes = UnsafeMutablePointer<SIMD4<Float>>

    /// `t` = g (first half) and h (second half) of `x` (n values); `f` the factors for n.
    @inline(__always) private static func split(_ x: Lanes, _ n: Int, _ t: Lanes, _ f: UnsafePointer<Float>) {
        let half = n / 2
        for k in 0..<half {
            let a = x[k], b = x[n - 1 - k]
            t[k] = a + b
            t[half + k] = (a - b) * f[k]
        }
    }

    /// `x` = the n outputs from the half-size transforms G and H in `t`.
    @inline(__always) private static func merge(_ x: Lanes, _ n: Int, _ t: Lanes) {
        let half = n / 2
        for m in 0..<(half - 1) {
            x[2 * m] = t[m]
            x[2 * m + 1] = t[half + m] + t[half + m + 1]
        }
        x[n - 2] = t[half - 1]
        x[n - 1] = t[n - 1]
    }

    /// The DCT-II of one vector of 32 (for tests).
    static func transform(_ x: UnsafeMutablePointer<Float>) {
        let lanes = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: 64)
        defer { lanes.deallocate() }
        for k in 0..<32 { lanes[k] = SIMD4(repeating: x[k]) }
        transform(lanes, scratch: lanes + 32)
        for m in 0..<32 { x[m] = lanes[m][0] }
    }

    /// The direct matrixing `V_i = Σ_k cos((16 + i)(2k + 1)π/64) · S_k`, i = 0…63 (for tests).
    static func directMatrixing(_ s: [Float]) -> [Double] {
        (0..<64).map { (i: Int) -> Double in
            var sum = 0.0
            for k in 0..<32 {
                let angle = Double((16 + i) * (2 * k + 1)) * Double.pi / 64
                sum += cos(angle) * Double(s[k])
            }
            return sum
        }
    }
}
