import DSP
import Foundation

/// The periodic Hann window as `tf.signal.hann_window(length, periodic=True)` computes it in
/// float32: TensorFlow's own cos (`tfCos`), and its rule that an odd length uses D = length − 1
/// even when periodic. ref: tensorflow/python/ops/signal/window_ops.py, _raised_cosine_window
public func tfHannWindow(length: Int) -> [Float] {
    hannWindow(length: length, periodic: length % 2 == 0, cos: tfCos)
}

extension MelScale {
    /// HTK's scale as `tf.signal.linear_to_mel_weight_matrix` evaluates it: Eigen's packet log over
    /// the bins' tensor, libm's `logf` for the scalar band edges (measured: the matrix is
    /// bit-identical only so). ref: tensorflow/python/ops/signal/mel_ops.py, _hertz_to_mel
    public static let tensorFlow = MelScale(bin: { 1127.0 * tfLog(1.0 + $0 / 700.0) }, edge: htkMel)
}
