/// Throws `DSPError.nonFiniteSample` for the first NaN or infinite sample.
public func checkFinite(_ samples: UnsafeBufferPointer<Float>) throws(DSPError) {
    for (i, x) in samples.enumerated() where !x.isFinite {
        throw .nonFiniteSample(index: i, value: x)
    }
}
