/// ⌊x⌋ clamped to 0 ..< count: the bin of any value, never a trap (NaN and −inf go to bin 0, +inf to
/// the last), for histograms of features that an extreme input may push out of range.
@inline(__always)
func binIndex(_ x: Double, count: Int) -> Int {
    guard x >= 0 else { return 0 }                          // NaN fails the comparison
    return x < Double(count - 1) ? Int(x) : count - 1
}
