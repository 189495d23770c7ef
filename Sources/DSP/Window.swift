/// Periodic Hann window of `length` samples, as `tf.signal.hann_window(length, periodic=True)`
/// computes it in float32: w[n] = 0.5 − 0.5·cos(2πn / D), with TensorFlow's own cos and
/// D = length for even lengths, length − 1 for odd ones (TensorFlow's rule, kept as is).
/// ref: tensorflow/python/ops/signal/window_ops.py, _raised_cosine_window
public func hannWindow(length: Int) -> [Float] {
    precondition(length > 0)
    if length == 1 { return [1] }
    let denominator = Float(length % 2 == 0 ? length : length - 1)
    let twoPi = Float(2 * Double.pi)
    return (0..<length).map { n in
        let argument = twoPi * Float(n) / denominator
        return 0.5 - 0.5 * tfCos(argument)
    }
}
