/// out[M, N] = act(A[M, K] · B[K, N] · scale + bias), one `sgemm` per block of rows, scale and
/// bias per column (a batch norm applied after the convolution, as TensorFlow applies it). Without
/// `scale`, each block's rows start as copies of `bias` and the GEMM accumulates onto them (β = 1,
/// so OpenBLAS skips its own zeroing pass); with it, the GEMM writes the products and one pass
/// applies scale, bias and ReLU while the block is still in cache. With `threads` > 1 the row
/// blocks run on our own threads with OpenBLAS single-threaded (`BLASThreads`), so no BLAS
/// worker spins on a core that the depthwise kernel or the front end needs.
func gemmBiasActivation(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, scale: UnsafePointer<Float>? = nil,
                        bias: UnsafePointer<Float>?, relu: Bool, threads: Int) {
    // Two blocks per thread, never under 32 rows: more blocks repack B more often, fewer let one
    // stalled thread hold up the layer.
    let (pa, pb, po) = (UInt(bitPattern: a), UInt(bitPattern: b), UInt(bitPattern: out))
    let pbias = bias.map { UInt(bitPattern: $0) }, pscale = scale.map { UInt(bitPattern: $0) }
    parallelBlocks(m, threads: threads, perThread: 2, minimum: 32) { rows in
        let a = UnsafePointer<Float>(bitPattern: pa)! + rows.lowerBound * k
        let out = UnsafeMutablePointer<Float>(bitPattern: po)! + rows.lowerBound * n
        let bias = pbias.flatMap { UnsafePointer<Float>(bitPattern: $0) }
        if let scale = pscale.flatMap({ UnsafePointer<Float>(bitPattern: $0) }) {
            sgemm(m: rows.count, n: n, k: k, a: a, b: UnsafePointer(bitPattern: pb)!, c: out)
            scaleBiasActivation(out, rows: rows.count, cols: n, scale: scale, bias: bias, relu: relu)
            return
        }
        if let bias { fillRows(out, rows: rows.count, with: bias, cols: n) }
        sgemm(m: rows.count, n: n, k: k, a: a, b: UnsafePointer(bitPattern: pb)!, c: out, accumulate: bias != nil)
        if relu { reluInPlace(out, count: rows.count * n) }
    }
}

/// Copies `bias` [cols] into each of `rows` rows of `out`.
@inline(__always)
func fillRows(_ out: UnsafeMutablePointer<Float>, rows: Int, with bias: UnsafePointer<Float>, cols: Int) {
    for r in 0..<rows { (out + r &* cols).update(from: bias, count: cols) }
}

/// x = max(x, 0) for `count` values (the active `KernelTable`'s loop).
@inline(__always)
func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) { kernels.relu(x, count) }

/// x = act(x · scale + bias) for each of `rows` rows of `cols` values; scale and bias per column.
@inline(__always)
func scaleBiasActivation(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, scale: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, relu: Bool) {
    for r in 0..<rows {
        let row = x + r &* cols
        switch (bias, relu) {
        case (let bias?, true): for j in 0..<cols { row[j] = max(row[j] * scale[j] + bias[j], 0) }
        case (let bias?, false): for j in 0..<cols { row[j] = row[j] * scale[j] + bias[j] }
        case (nil, true): for j in 0..<cols { row[j] = max(row[j] * scale[j], 0) }
        case (nil, false): for j in 0..<cols { row[j] *= scale[j] }
        }
    }
}
