import Foundation

/// The 36-point IMDCT of four subbands at once (one per SIMD lane), for granules of long blocks,
/// whose subbands all use one window. The 18-point DCT-IV
/// `z_j = Σ_k x_k cos(π(2j + 1)(2k + 1)/72)` is computed through an 18-point DCT-II:
/// with `u_k = 2 cos(π(2k + 1)/72) · x_k` and `U = DCT-II(u)`, `U_j = z_j + z_(j−1)` (`z_(−1) = z_0`),
/// so `z_0 = U_0/2` and `z_j = U_j − z_(j−1)`. The DCT-II splits once as Lee's (see `MP3DCT32`)
/// into two 9-point DCT-IIs, each computed from the even and odd parts of its input
/// (`G_r = Σ_k (g_k ± g_(8−k)) cos(πr(2k + 1)/18)`, + for even r with the middle term, − for odd
/// r): 82 multiplications instead of 324. The windowing and output mapping are `MP3IMDCT.imdct36`'s;
/// the tests compare the two. ref: ISO/IEC 11172-3 §2.4.3.4 (IMDCT); B. G. Lee, IEEE Trans. ASSP
/// 32(6), 1984
enum MP3IMDCT36x4 {
    typealias Lanes = SIMD4<Float>

    /// `2 cos(π(2k + 1)/72)`, k = 0…17.
    static let pre: [Float] = (0..<18).map { (k: Int) -> Float in Float(2 * cos(Double.pi * Double(2 * k + 1) / 72)) }
    /// `1 / (2 cos(π(2k + 1)/36))`, k = 0…8.
    static let split: [Float] = (0..<9).map { (k: Int) -> Float in Float(1 / (2 * cos(Double.pi * Double(2 * k + 1) / 36))) }
    /// `cos(πr(2k + 1)/18)` at `5r + k`, r = 0…8, k = 0…4.
    static let dct9: [Float] = (0..<45).map { (i: Int) -> Float in
        let r = i / 5, k = i % 5
        return Float(cos(Double.pi * Double(r * (2 * k + 1)) / 18))
    }

    /// Lines `x + 18·lane + k` (k < 18) of four subbands, windowed by `w` (36 values) into
    /// `y[4i + lane]`, i = 0…35.
    static func transform(_ x: UnsafePointer<Float>, window w: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        pre.withUnsafeBufferPointer { p in split.withUnsafeBufferPointer { s in dct9.withUnsafeBufferPointer { c in
            withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 36) { buffer in
                let u = buffer.baseAddress!, t = u + 18
                for k in 0..<18 { u[k] = Lanes(x[k], x[18 + k], x[36 + k], x[54 + k]) * p[k] }
                for k in 0..<9 {
                    let a = u[k], b = u[17 - k]
                    t[k] = a + b
                    t[9 + k] = (a - b) * s[k]
                }
                dct9(t, c.baseAddress!)
                dct9(t + 9, c.baseAddress!)
                // U_2r = G_r, U_2r+1 = H_r + H_r+1 (H_9 = 0); then z_j = U_j − z_j−1, in u.
                var z = t[0] * 0.5
                u[0] = z
                for j in 1..<18 {
                    let r = j >> 1
                    let uj = j & 1 == 0 ? t[r] : (r + 1 < 9 ? t[9 + r] + t[10 + r] : t[9 + r])
                    z = uj - z
                    u[j] = z
                }
                let out = UnsafeMutableRawPointer(y)
                @inline(__always) func put(_ i: Int, _ v: Lanes) { out.storeBytes(of: v * w[i], toByteOffset: 16 * i, as: Lanes.self) }
                for i in 0..<9 { put(i, u[i + 9]) }
                for i in 9..<27 { put(i, -u[26 - i]) }
                for i in 27..<36 { put(i, -u[i - 27]) }
            }
        } } }
    }

    /// The 9-point DCT-II of `g` (9 vectors) in place, by its even and odd parts.
    @inline(__always)
    private static func dct9(_ g: UnsafeMutablePointer<Lanes>, _ c: UnsafePointer<Float>) {
        let a0 = g[0] + g[8], a1 = g[1] + g[7], a2 = g[2] + g[6], a3 = g[3] + g[5], a4 = g[4]
        let b0 = g[0] - g[8], b1 = g[1] - g[7], b2 = g[2] - g[6], b3 = g[3] - g[5]
        for r in stride(from: 0, through: 8, by: 2) {
            let k = c + 5 * r
            g[r] = a0 * k[0] + a1 * k[1] + a2 * k[2] + a3 * k[3] + a4 * k[4]
        }
        for r in stride(from: 1, through: 7, by: 2) {
            let k = c + 5 * r
            g[r] = b0 * k[0] + b1 * k[1] + b2 * k[2] + b3 * k[3]
        }
    }
}
