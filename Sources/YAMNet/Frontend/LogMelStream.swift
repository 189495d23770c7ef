import DSP

/// `LogMelSpectrogram` over a stream: 16 kHz mono samples arrive in chunks of any size (one
/// sample, or hours), and every log-mel frame is delivered as soon as its last sample has arrived.
///
/// The frames equal those of the one-piece spectrogram of the concatenated samples bit for bit
/// (each is the same float operations on the same 400 samples) and number
/// `spectrogram.frameCount(samples:)` in all. Between calls the stream keeps only the samples
/// later frames need: the window − hop = 240 samples every frame shares with the next, plus at
/// most one hop (fewer than 400 in all). Large chunks are taken `blockFrames` frames at a time,
/// so the buffers are allocated once at their final size whatever the chunk size.
/// No padding here: `YAMNetStream` appends YAMNet's zeros at the end (`appendZeros`).
/// Not thread-safe; the spectrogram's buffers are in use only during a call.
public final class LogMelStream {
    public let spectrogram: LogMelSpectrogram
    /// Most frames computed at once.
    public let blockFrames: Int
    /// Samples received since the start of the stream (zeros from `appendZeros` included).
    public private(set) var sampleCount = 0
    /// Frames delivered since the start of the stream.
    public private(set) var frameCount = 0
    /// Samples not yet consumed: [window − hop + blockFrames·hop]; `buffered` of them are filled.
    private let samples: UnsafeMutablePointer<Float>
    private let capacity: Int
    private var buffered = 0
    /// The frames of one block: [blockFrames, bands].
    private let frames: UnsafeMutablePointer<Float>

    public init(spectrogram: LogMelSpectrogram, blockFrames: Int = 256) {
        precondition(blockFrames > 0)
        self.spectrogram = spectrogram
        self.blockFrames = blockFrames
        let params = spectrogram.params
        capacity = params.windowSamples - params.hopSamples + blockFrames * params.hopSamples
        samples = .allocate(capacity: capacity)
        frames = .allocate(capacity: blockFrames * spectrogram.bands)
    }

    deinit { samples.deallocate(); frames.deallocate() }

    /// Takes `chunk` and calls `deliver` with the frames it completes: [n, bands] row-major values,
    /// valid only during the call (n ≥ 1; several calls for a long chunk). Nothing is checked here:
    /// the samples were found finite where they entered (`FiniteSamples`).
    public func process(_ chunk: FiniteSamples, frames deliver: (UnsafeBufferPointer<Float>) -> Void) {
        guard let source = chunk.buffer.baseAddress else { return }
        append(chunk.count, deliver) { $0.update(from: source + $1, count: $2) }
    }

    /// `process` for a caller's raw samples, checked here, at the public boundary: throws
    /// `DSPError.nonFiniteSample` (its index counted from the start of the stream) before taking
    /// any of a chunk that holds a NaN or an infinity.
    public func process(_ chunk: UnsafeBufferPointer<Float>,
                        frames deliver: (UnsafeBufferPointer<Float>) -> Void) throws(DSPError) {
        process(try FiniteSamples(checking: chunk, firstIndex: sampleCount), frames: deliver)
    }

    /// Appends `count` zeros (the end padding of YAMNet's front end) and delivers the frames they
    /// complete, as `process` does.
    public func appendZeros(_ count: Int, frames deliver: (UnsafeBufferPointer<Float>) -> Void) {
        append(count, deliver) { destination, _, n in destination.update(repeating: 0, count: n) }
    }

    /// Starts a new stream: drops the buffered samples and zeroes the counts.
    public func reset() {
        buffered = 0; sampleCount = 0; frameCount = 0
    }

    /// Appends `count` samples, `fill(destination, offset, n)` writing samples offset ..< offset + n
    /// of them, one block at a time; delivers every frame completed.
    private func append(_ count: Int, _ deliver: (UnsafeBufferPointer<Float>) -> Void,
                        fill: (UnsafeMutablePointer<Float>, Int, Int) -> Void) {
        var offset = 0
        while offset < count {
            let n = min(count - offset, capacity - buffered)
            fill(samples + buffered, offset, n)
            buffered += n; offset += n; sampleCount += n
            if buffered == capacity { emit(deliver) }
        }
        emit(deliver)
    }

    /// Computes and delivers the frames of the buffered samples, then keeps only the samples from
    /// the next frame's start on.
    private func emit(_ deliver: (UnsafeBufferPointer<Float>) -> Void) {
        let n = spectrogram.frameCount(samples: buffered)
        guard n > 0 else { return }
        // The samples are `FiniteSamples`: no second check.
        spectrogram.computeFinite(UnsafeBufferPointer(start: samples, count: buffered), into: frames)
        deliver(UnsafeBufferPointer(start: frames, count: n * spectrogram.bands))
        frameCount += n
        let consumed = n * spectrogram.params.hopSamples
        buffered -= consumed
        samples.update(from: samples + consumed, count: buffered)
    }
}
