/// Adds `bias[col]` to every row of `out` [rows, cols] and applies ReLU when `relu` is set:
/// the epilogue fused into each producing kernel.
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
