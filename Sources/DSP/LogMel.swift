/// YAMNet's log-mel spectrogram: `log(mel(|STFT|) + logOffset)`, [frames, melBands] row-major.
///
/// Frames: 1 + (L − 400)/160 for L ≥ 400 samples, else 0 (no padding here; `PatchFrontend`
/// pads as YAMNet does). Magnitudes are projected on the mel weight matrix with double
/// accumulation over each filter's nonzero bins, rounded to float32, offset and logged with
/// TensorFlow's float32 log. Input must be finite. ref: yamnet features.py,
/// waveform_to_log_mel_spectrogram_patches
public final class LogMelSpectrogram: @unchecked Sendable {
    public let params: FrontendParams
    public let stft: MagnitudeSTFT
    /// Mel weights [spectrogramBins, melBands], row-major, as TensorFlow computes them.
    public let melMatrix: [Float]
    /// Per mel band: first nonzero bin and its weights (the sparse form used for the projection).
    private let filters: [(firstBin: Int, weights: [Double])]
    private let magnitudes: UnsafeMutablePointer<Float>
    private let logOffset: Float

    public init(params: FrontendParams = FrontendParams()) throws(DSPError) {
        self.params = params
        stft = try MagnitudeSTFT(frameLength: params.windowSamples, hop: params.hopSamples,
                                 fftLength: params.fftLength)
        let bins = params.spectrogramBins, bands = params.melBands
        melMatrix = try melWeightMatrix(melBins: bands, spectrogramBins: bins,
                                        sampleRate: Float(params.sampleRate),
                                        lowerHertz: Float(params.melMinHz),
                                        upperHertz: Float(params.melMaxHz))
        filters = (0..<bands).map { [melMatrix] m in
            let column = (0..<bins).map { Double(melMatrix[$0 * bands + m]) }
            guard let first = column.firstIndex(where: { $0 != 0 }),
                  let last = column.lastIndex(where: { $0 != 0 }) else { return (0, []) }
            return (first, Array(column[first...last]))
        }
        magnitudes = .allocate(capacity: bins)
        logOffset = Float(params.logOffset)
    }

    deinit { magnitudes.deallocate() }

    public var bands: Int { params.melBands }

    public func frameCount(samples: Int) -> Int { stft.frameCount(samples: samples) }

    /// Writes `frameCount(samples: waveform.count)` rows of `bands` values into `out`.
    /// Throws `DSPError.nonFiniteSample` before writing anything if a sample is NaN or ±inf.
    public func compute(_ waveform: UnsafeBufferPointer<Float>,
                        into out: UnsafeMutablePointer<Float>) throws(DSPError) {
        try checkFinite(waveform)
        guard let base = waveform.baseAddress else { return }
        for f in 0..<frameCount(samples: waveform.count) {
            stft.magnitude(of: base, start: f * stft.hop, into: magnitudes)
            let row = out + f * bands
            for (m, filter) in filters.enumerated() {
                var sum = 0.0
                for (j, w) in filter.weights.enumerated() { sum += Double(magnitudes[filter.firstBin + j]) * w }
                row[m] = tfLog(Float(sum) + logOffset)
            }
        }
    }

    /// Convenience form returning a new `LogMel`.
    public func callAsFunction(_ waveform: [Float]) throws(DSPError) -> LogMel {
        let frames = frameCount(samples: waveform.count)
        if frames == 0 {
            try waveform.withUnsafeBufferPointer { (w) throws(DSPError) in try checkFinite(w) }
            return LogMel(frames: 0, bands: bands, values: [])
        }
        var values = [Float](repeating: 0, count: frames * bands)
        try waveform.withUnsafeBufferPointer { (w) throws(DSPError) in
            try values.withUnsafeMutableBufferPointer { (v) throws(DSPError) in
                try compute(w, into: v.baseAddress!)
            }
        }
        return LogMel(frames: frames, bands: bands, values: values)
    }
}

/// A log-mel spectrogram: `frames` rows of `bands` natural-log values, row-major.
public struct LogMel: Sendable, Equatable {
    public var frames: Int
    public var bands: Int
    public var values: [Float]

    public init(frames: Int, bands: Int, values: [Float]) {
        precondition(values.count == frames * bands)
        self.frames = frames; self.bands = bands; self.values = values
    }
}

/// Throws `DSPError.nonFiniteSample` for the first NaN or infinite sample.
public func checkFinite(_ samples: UnsafeBufferPointer<Float>) throws(DSPError) {
    for (i, x) in samples.enumerated() where !x.isFinite {
        throw .nonFiniteSample(index: i, value: x)
    }
}
