/// The residual of FIXED and LPC subframes: partitioned Rice codes. ref: RFC 9639 §9.2.7
extension FLACSubframe {
    /// The coded residual (§9.2.7) into s[order..<n]: method 0 or 1 (4- or 5-bit Rice
    /// parameters), 2^order partitions, escaped partitions of raw signed values, Rice codes
    /// folded (zigzag) and limited to 32-bit values (§9.2.7.3).
    static func residual(_ r: inout BitReader, into s: UnsafeMutablePointer<Int64>, count n: Int,
                         order: Int) throws(FLACFrameError) {
        let method = try read(&r, 2)
        guard method < 2 else { throw .malformed("a residual uses the reserved coding method \(method)") }
        let parameterBits = method == 0 ? 4 : 5, escape = (1 << parameterBits) - 1
        let partitionOrder = Int(try read(&r, 4))
        let perPartition = n >> partitionOrder
        guard perPartition << partitionOrder == n else {
            throw .malformed("a block of \(n) samples cannot be split into \(1 << partitionOrder) residual partitions")
        }
        guard perPartition >= order else {
            throw .malformed("residual partition order \(partitionOrder) leaves fewer than \(order) samples for the warm-up")
        }
        var i = order
        for partition in 1...(1 << partitionOrder) {
            let end = partition * perPartition
            let parameter = Int(try read(&r, parameterBits))
            if parameter == escape {
                let width = Int(try read(&r, 5))
                while i < end { s[i] = try signed(&r, width); i += 1 }
                continue
            }
            let fits: Bool
            do { fits = try r.readRiceSigned(parameter, into: s + i, count: end - i) } catch { throw .overrun }
            guard fits else { throw .malformed("a residual value exceeds 32 bits") }
            i = end
        }
    }
}
