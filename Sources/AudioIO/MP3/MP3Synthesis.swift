import Foundation

/// The polyphase synthesis filter bank of one channel: 32 subband samples in, 32 PCM samples out.
/// ref: ISO/IEC 11172-3 §2.4.3.4 (synthesis subband filter, as for Layers I and II: Annex A,
/// "synthesis subband filter" flow chart):
///
/// - matrixing: `V_i = Σ_k N_ik · S_k`, `N_ik = cos((16 + i)(2k + 1)π/64)`, i = 0…63, into a
///   1024-value FIFO shifted by 64 each step;
/// - window: `U_(64i+j) = V_(128i+j)`, `U_(64i+32+j) = V_(128i+96+j)`, `W = U · D`;
/// - output: `S_j = Σ_i W_(j+32i)`, i = 0…15.
///
/// The matrixing is computed from a 32-point DCT-II, `X_m = Σ_k S_k cos(mπ(2k + 1)/64)`, since
/// `V_i = X_(16+i)` for i < 16, `V_16 = 0`, `V_i = −X_(48−i)` for 17 ≤ i < 48, `V_i = −X_(i−48)`
/// above (cos is even and `cos(θ ± (2k + 1)π) = −cos θ`): half the products of the 64×32
/// matrixing, as 32 vector multiply-adds. The tests compare it with the direct formula.
struct MP3SynthesisFilter {
    /// The V FIFO, stored twice (at k and k + 1024) so the 16 window taps never wrap.
    private var v = [Float](repeating: 0, count: 2048)
    private var offset = 0
    private var scratch = [Float](repeating: 0, count: 32)

    /// Filters `slots` time slots of `samples` (slot-major, 32 subbands each) into `output`,
    /// writing sample n of the result at `output[n * stride]`.
    mutating func filter(_ samples: UnsafePointer<Float>, slots: Int, output: UnsafeMutablePointer<Float>, stride: Int) {
        let window = MP3SynthesisWindow.coefficients, kernel = MP3Synthesis.dctColumns
        var offset = self.offset
        defer { self.offset = offset }
        v.withUnsafeMutableBufferPointer { vb in
            scratch.withUnsafeMutableBufferPointer { sb in
                window.withUnsafeBufferPointer { db in kernel.withUnsafeBufferPointer { kb in
                    let v = vb.baseAddress!, x = sb.baseAddress!, d = db.baseAddress!, columns = kb.baseAddress!
                    for t in 0..<slots {
                        for k in 0..<32 { x[k] = samples[32 * t + k] }
                        MP3Synthesis.dct32(x, columns: columns)
                        offset = (offset - 64) & 1023
                        let o = v + offset, o2 = v + offset + 1024
                        for i in 0..<16 { o[i] = x[16 + i]; o2[i] = x[16 + i] }
                        o[16] = 0; o2[16] = 0
                        for i in 17..<48 { o[i] = -x[48 - i]; o2[i] = -x[48 - i] }
                        for i in 48..<64 { o[i] = -x[i - 48]; o2[i] = -x[i - 48] }
                        var acc = (SIMD16<Float>(), SIMD16<Float>())
                        for m in 0..<8 {
                            let a = o + 128 * m, b = o + 128 * m + 96
                            let da = d + 64 * m, dbb = d + 64 * m + 32
                            acc.0 += Self.load16(da) * Self.load16(a) + Self.load16(dbb) * Self.load16(b)
                            acc.1 += Self.load16(da + 16) * Self.load16(a + 16) + Self.load16(dbb + 16) * Self.load16(b + 16)
                        }
                        let out = output + 32 * t * stride
                        for j in 0..<16 {
                            out[j * stride] = acc.0[j]
                            out[(16 + j) * stride] = acc.1[j]
                        }
                    }
                } }
            }
        }
    }

    @inline(__always)
    private static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
    @inline(__always)
    private static func load16(_ p: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }
}

enum MP3Synthesis {
    /// The DCT-II kernel by input: `cos(mπ(2k + 1)/64)` at `32k + m`, so that input k scales one
    /// contiguous column of the 32 outputs.
    static let dctColumns: [Float] = (0..<1024).map { (i: Int) -> Float in
        let m = i % 32, k = i / 32
        return Float(cos(Double(m * (2 * k + 1)) * Double.pi / 64))
    }

    /// The 32-point DCT-II of `x` in place, `X_m = Σ_k x_k cos(mπ(2k + 1)/64)`.
    static func dct32(_ x: UnsafeMutablePointer<Float>) {
        dctColumns.withUnsafeBufferPointer { dct32(x, columns: $0.baseAddress!) }
    }

    /// `dct32` with the kernel (`dctColumns`) at `columns`.
    @inline(__always)
    static func dct32(_ x: UnsafeMutablePointer<Float>, columns c: UnsafePointer<Float>) {
        let columns = UnsafeRawPointer(c)
        var lo = SIMD16<Float>(), hi = SIMD16<Float>()
        for k in 0..<32 {
            let s = x[k]
            lo += s * columns.loadUnaligned(fromByteOffset: 128 * k, as: SIMD16<Float>.self)
            hi += s * columns.loadUnaligned(fromByteOffset: 128 * k + 64, as: SIMD16<Float>.self)
        }
        UnsafeMutableRawPointer(x).storeBytes(of: lo, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(x + 16).storeBytes(of: hi, as: SIMD16<Float>.self)
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
