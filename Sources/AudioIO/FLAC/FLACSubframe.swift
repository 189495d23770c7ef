/// Subframe decoding (ref: RFC 9639 §9.2) into a block of 64-bit samples. All sample arithmetic
/// wraps: a hostile stream gives wrong samples (caught by the range check, CRC or MD5), never a trap.
enum FLACSubframe {
    @inline(__always) static func read(_ r: inout BitReader, _ n: Int) throws(FLACFrameError) -> UInt64 {
        do { return try r.read(n) } catch { throw .overrun }
    }

    @inline(__always) static func signed(_ r: inout BitReader, _ n: Int) throws(FLACFrameError) -> Int64 {
        do { return try r.readSigned(n) } catch { throw .overrun }
    }

    @inline(__always) static func unary(_ r: inout BitReader) throws(FLACFrameError) -> Int {
        do { return try r.readUnary() } catch { throw .overrun }
    }

    /// One subframe of `count` samples at `bits` bits (the frame's, plus one for a side channel).
    /// `coefficients` has room for 32 LPC coefficients.
    static func decode(_ r: inout BitReader, into s: UnsafeMutablePointer<Int64>, count n: Int, bits: Int,
                       coefficients: UnsafeMutablePointer<Int64>) throws(FLACFrameError) {
        // Header (§9.2.1): a zero bit, 6 type bits, the wasted-bits flag; k - 1 in unary (§9.2.2).
        let head = Int(try read(&r, 8))
        guard head & 0x80 == 0 else { throw .malformed("a subframe header starts with a 1 bit") }
        let type = head >> 1 & 63
        let wasted = head & 1 == 0 ? 0 : try unary(&r) + 1
        guard wasted < bits else { throw .malformed("a subframe has \(wasted) wasted bits of \(bits)") }
        let depth = bits - wasted
        switch type {
        case 0:                                                         // CONSTANT (§9.2.3)
            let value = try signed(&r, depth)
            for i in 0..<n { s[i] = value }
        case 1:                                                         // VERBATIM (§9.2.4)
            for i in 0..<n { s[i] = try signed(&r, depth) }
        case 8...12:                                                    // FIXED (§9.2.5)
            let order = type - 8
            guard order <= n else { throw .malformed("a fixed predictor of order \(order) in a block of \(n) samples") }
            for i in 0..<order { s[i] = try signed(&r, depth) }
            try residual(&r, into: s, count: n, order: order)
            fixedPrediction(s, count: n, order: order)
        case 32...63:                                                   // LPC (§9.2.6)
            let order = type - 31
            guard order <= n else { throw .malformed("a linear predictor of order \(order) in a block of \(n) samples") }
            for i in 0..<order { s[i] = try signed(&r, depth) }
            let precision = Int(try read(&r, 4)) + 1
            guard precision < 16 else { throw .malformed("the LPC coefficient precision code 15 is invalid") }
            let shift = try signed(&r, 5)
            guard shift >= 0 else { throw .malformed("the LPC shift is negative (\(shift))") }
            for i in 0..<order { coefficients[i] = try signed(&r, precision) }
            try residual(&r, into: s, count: n, order: order)
            linearPrediction(s, count: n, order: order, coefficients: coefficients, shift: shift)
        default:
            throw .malformed("a subframe uses the reserved type \(type)")
        }
        if wasted > 0 {
            for i in 0..<n { s[i] = s[i] &<< Int64(wasted) }
        }
    }

    /// Adds the fixed predictions of order 0–4 to the residuals in s[order..<n]. ref: RFC 9639 §9.2.5
    static func fixedPrediction(_ s: UnsafeMutablePointer<Int64>, count n: Int, order: Int) {
        guard n > order else { return }
        switch order {
        case 1: for i in 1..<n { s[i] = s[i] &+ s[i - 1] }
        case 2: for i in 2..<n { s[i] = s[i] &+ 2 &* s[i - 1] &- s[i - 2] }
        case 3: for i in 3..<n { s[i] = s[i] &+ 3 &* (s[i - 1] &- s[i - 2]) &+ s[i - 3] }
        case 4: for i in 4..<n { s[i] = s[i] &+ 4 &* (s[i - 1] &+ s[i - 3]) &- 6 &* s[i - 2] &- s[i - 4] }
        default: break
        }
    }

    /// Adds the linear predictions (sum of coefficient[j] · s[i - 1 - j], 64-bit, shifted right)
    /// to the residuals in s[order..<n]. ref: RFC 9639 §9.2.6
    static func linearPrediction(_ s: UnsafeMutablePointer<Int64>, count n: Int, order: Int,
                                 coefficients c: UnsafeMutablePointer<Int64>, shift: Int64) {
        guard n > order else { return }
        // The orders encoders use most, each with a constant trip count that unrolls.
        switch order {
        case 8: predict(s, n, 8, c, shift)
        case 12: predict(s, n, 12, c, shift)
        case 4: predict(s, n, 4, c, shift)
        case 6: predict(s, n, 6, c, shift)
        case 10: predict(s, n, 10, c, shift)
        case 7: predict(s, n, 7, c, shift)
        case 5: predict(s, n, 5, c, shift)
        default: predict(s, n, order, c, shift)
        }
    }

    @inline(__always)
    private static func predict(_ s: UnsafeMutablePointer<Int64>, _ n: Int, _ order: Int,
                                _ c: UnsafeMutablePointer<Int64>, _ shift: Int64) {
        for i in order..<n {
            var sum: Int64 = 0
            for j in 0..<order { sum = sum &+ c[j] &* s[i &- 1 &- j] }
            s[i] = s[i] &+ (sum &>> shift)
        }
    }

    /// Restores left and right from side channels (the side channel is left minus right). For
    /// mid/side the mid channel lost its lowest bit, which is the side channel's: mid = mid · 2
    /// + (side & 1), left = (mid + side) >> 1, right = (mid - side) >> 1. ref: RFC 9639 §4.2
    static func reconstruct(_ assignment: FLACChannelAssignment, _ block: UnsafeMutablePointer<Int64>, count n: Int) {
        let a = block, b = block + n
        switch assignment {
        case .independent: break
        case .leftSide: for i in 0..<n { b[i] = a[i] &- b[i] }
        case .sideRight: for i in 0..<n { a[i] = a[i] &+ b[i] }
        case .midSide:
            for i in 0..<n {
                let side = b[i], mid = a[i] &<< 1 | side & 1
                a[i] = (mid &+ side) &>> 1
                b[i] = (mid &- side) &>> 1
            }
        }
    }
}
