/// Throws `DSPError.nonFiniteSample` for the first NaN or infinite sample.
public func checkFinite(_ samples: UnsafeBufferPointer<Float>) throws(DSPError) {
    _ = try FiniteSamples(checking: samples)
}

/// Samples known to be finite: the one place the pipeline validates them is where they enter.
/// A `WaveformReader` (AudioIO) checks what it decodes and hands out `FiniteSamples`; a caller
/// with samples of its own makes them with `init(checking:)`. Consumers that take
/// `FiniteSamples` (`YAMNetStream`, `LogMelStream`, `FeatureExtractor`) check nothing again; their
/// overloads for raw buffers check once, at that public boundary, and forward.
/// The view borrows its buffer: valid as long as the buffer is.
public struct FiniteSamples {
    public let buffer: UnsafeBufferPointer<Float>

    /// Throws `DSPError.nonFiniteSample` for a NaN or an infinity, its index counted as
    /// `firstIndex` + its index in `buffer` (a stream passes the samples it has taken so far).
    public init(checking buffer: UnsafeBufferPointer<Float>, firstIndex: Int = 0) throws(DSPError) {
        for (i, x) in buffer.enumerated() where !x.isFinite {
            throw .nonFiniteSample(index: firstIndex + i, value: x)
        }
        self.buffer = buffer
    }

    /// For a source in this package that has just checked `buffer` itself.
    package init(checked buffer: UnsafeBufferPointer<Float>) {
        self.buffer = buffer
    }

    public var count: Int { buffer.count }
}
