/// out[M, N] = act(A[M, K] · B[K, N] + bias): one `sgemm` per block of rows, each followed at
/// once by its bias + ReLU epilogue while the block is still in cache. With `threads` > 1 the
/// row blocks run on our own threads with OpenBLAS single-threaded (`BLASThreads`), so no BLAS
/// worker spins on a core that the depthwise kernel or the front end needs.
func gemmBiasActivation(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
                        threads: Int) {
    // Two blocks per thread, handed out dynamically (parallelFor), never under 32 rows: more
    // blocks repack B more often, fewer let one stalled thread hold up the layer.
    let blocks = threads > 1 ? max(1, min(2 * threads, m / 32)) : 1
    let (pa, pb, po) = (UInt(bitPattern: a), UInt(bitPattern: b), UInt(bitPattern: out))
    let pbias = bias.map { UInt(bitPattern: $0) }
    parallelFor(blocks, threads: threads) { block in
        let rows = (block * m / blocks)..<((block + 1) * m / blocks)
        let a = UnsafePointer<Float>(bitPattern: pa)! + rows.lowerBound * k
        let out = UnsafeMutablePointer<Float>(bitPattern: po)! + rows.lowerBound * n
        sgemm(m: rows.count, n: n, k: k, a: a, b: UnsafePointer(bitPattern: pb)!, c: out)
        biasActivation(out, rows: rows.count, cols: n, bias: pbias.flatMap { UnsafePointer(bitPattern: $0) }, relu: relu)
    }
}

/// Adds `bias[col]` to every row of `out` [rows, cols] and applies ReLU when `relu` is set.
@inline(__always)
func biasActivation(_ out: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
                    bias: UnsafePointer<Float>?, relu: Bool) {
    guard bias != nil || relu else { return }
    for r in 0..<rows {
        let row = out + r * cols
        if let bias {
            if relu { for c in 0..<cols { row[c] = max(row[c] + bias[c], 0) } }
            else { for c in 0..<cols { row[c] += bias[c] } }
        } else {
            for c in 0..<cols { row[c] = max(row[c], 0) }
        }
    }
}
