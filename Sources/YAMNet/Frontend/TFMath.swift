// Float32 cos and log that reproduce, bit for bit, what TensorFlow's CPU kernels compute.
//
// TensorFlow evaluates tf.cos and tf.math.log with Eigen's packet math, built without FMA in the
// official x86-64 wheels. Its results differ from libm's by an ulp in ~10-20% of inputs, and an ulp
// in the Hann window or the HTK mel scale moves YAMNet's log-mel by up to 4e-3 (measured against
// tensorflow-cpu 2.20). Mirroring Eigen's arithmetic makes the front end exact instead.
// Each multiply and add is rounded separately, as in Eigen's non-FMA `pmadd`.

/// Eigen's `pcos_float` (ref: Eigen GenericPacketMathFunctions.h, psincos_float<false>, non-FMA
/// branch). Valid for |x| < 18838, the range where Eigen itself needs no huge-argument reduction.
@inlinable
public func tfCos(_ input: Float) -> Float {
    precondition(abs(input) < 18838, "tfCos: argument outside Eigen's fast range")
    var x = abs(input)
    let yRound = x * 0.636619746685028076171875 + 12582912   // two roundings: x·(2/π), + 2^23
    let yInt = Int32(bitPattern: yRound.bitPattern)            // low bits hold round(x·2/π)
    let y = yRound - 12582912
    x = y * -1.5703125 + x
    x = y * -0.000483989715576171875 + x
    x = y * 1.62865035235881805419921875e-07 + x
    x = y * 5.5644315544167710640977020375430583953857421875e-11 + x
    let x2 = x * x
    var cosPoly: Float = 2.4372266125283204019069671630859375e-05
    cosPoly = cosPoly * x2 + -0.00138865201734006404876708984375
    cosPoly = cosPoly * x2 + 0.041666619479656219482421875
    cosPoly = cosPoly * x2 + -0.5
    cosPoly = cosPoly * x2 + 1
    var sinPoly: Float = -0.0001959234114083702898469196984621021329076029360294342041015625
    sinPoly = sinPoly * x2 + 0.0083326873655616851693794799871284340042620897293090820312500000
    sinPoly = sinPoly * x2 + -0.1666666203982298255503735617821803316473960876464843750000000000
    sinPoly = sinPoly * x2
    sinPoly = sinPoly * x + x
    let result = (yInt & 1) == 0 ? cosPoly : sinPoly
    let sign = UInt32(bitPattern: (yInt &+ 1) << 30) & 0x8000_0000
    return Float(bitPattern: result.bitPattern ^ sign)
}

/// Eigen's `plog_float` (ref: Eigen GenericPacketMathFunctions.h, plog_impl_float, the rational
/// (3,3) approximation). Returns -inf for 0, NaN for negative or NaN input, +inf for +inf.
@inlinable
public func tfLog(_ input: Float) -> Float {
    if input.isNaN || input < 0 { return .nan }
    if input == 0 { return -.infinity }
    if input == .infinity { return .infinity }
    // frexp: input = m · 2^e with m in [0.5, 1)
    let m = input.significand / 2       // Swift normalises subnormals too: significand in [1, 2)
    var e = Float(input.exponent + 1)
    var x: Float
    if m < 0.707106781186547524 {
        e -= 1
        x = (m - 1) + m
    } else {
        x = (m - 1) + 0
    }
    var p = x * 0.18256296349849254 + 1.0000000190281063
    p = x * p + 1.0000000190281136
    p = x * p
    var q = x * 0.049616247954120038 + 0.59923249590823520
    q = x * q + 1.4999999999999927
    q = x * q + 1
    x = p / q
    return e * 0.693147180559945309417232121458 + x
}
