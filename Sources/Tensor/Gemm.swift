import _COpenBLAS

/// C[M, N] = A[M, K] · B[K, N] (+ C when `accumulate`), row-major float32, through OpenBLAS
/// `cblas_sgemm`. `ldb` defaults to N (contiguous B).
public func sgemm(m: Int, n: Int, k: Int,
                  a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                  accumulate: Bool = false) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate { c.update(repeating: 0, count: m * n) }
        return
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                1, a, Int32(k), b, Int32(n), accumulate ? 1 : 0, c, Int32(n))
}

/// The naive twin of `sgemm`: the triple loop, accumulated in double.
public func sgemmNaive(m: Int, n: Int, k: Int,
                       a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                       accumulate: Bool = false) {
    for i in 0..<m {
        for j in 0..<n {
            var sum = accumulate ? Double(c[i * n + j]) : 0
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
            c[i * n + j] = Float(sum)
        }
    }
}

/// Threads OpenBLAS may use (process-wide). The engine keeps it at 1 and parallelises over
/// row blocks itself (`gemmBiasActivation`). ref: OpenBLAS openblas_set_num_threads
public enum BLASThreads {
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
}
