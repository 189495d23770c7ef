import Dispatch
import DSP

/// YAMNet's log-mel spectrogram: `log(mel(|STFT|) + logOffset)`, [frames, melBands] row-major.
///
/// Frames: 1 + (L − 400)/160 for L ≥ 400 samples, else 0 (no padding here; `PatchFrontend`
/// pads as YAMNet does). Magnitudes are projected on the mel weight matrix with double
/// accumulation over each filter's nonzero bins, rounded to float32, offset and logged with
/// TensorFlow's float32 log. Input must be finite. Frames are split over `threads` threads,
/// each with its own STFT buffers; one instance serves one caller at a time.
/// ref: yamnet features.py, waveform_to_log_mel_spectrogram_patches
public final class LogMelSpectrogram: @unchecked Sendable {
    public let params: FrontendParams
    public var stft: MagnitudeSTFT { stfts[0] }
    private let stfts: [MagnitudeSTFT]            // one per thread
    /// Mel weights [spectrogramBins, melBands], row-major, as TensorFlow computes them.
    public let melMatrix: [Float]
    /// Sparse form of the matrix for the projection: band m covers bins
    /// filterStart[m] ..< filterStart[m] + filterLength[m], with weights from filterOffset[m].
    private let filterStart: [Int], filterLength: [Int], filterOffset: [Int]
    private let filterWeights: [Double]
    private let magnitudes: UnsafeMutablePointer<Float>   // [threads, 4, bins]
    private let logOffset: Float

    public init(params: FrontendParams = FrontendParams(), threads: Int = 1) throws(DSPError) {
        self.params = params
        var stfts: [MagnitudeSTFT] = []
        for _ in 0..<max(1, threads) {
            stfts.append(try MagnitudeSTFT(frameLength: params.windowSamples, hop: params.hopSamples,
                                           fftLength: params.fftLength,
                                           window: tfHannWindow(length: params.windowSamples)))
        }
        self.stfts = stfts
        let bins = params.spectrogramBins, bands = params.melBands
        let matrix = try melWeightMatrix(melBins: bands, spectrogramBins: bins,
                                         sampleRate: Float(params.sampleRate),
                                         lowerHertz: Float(params.melMinHz),
                                         upperHertz: Float(params.melMaxHz), scale: .tensorFlow)
        melMatrix = matrix
        var start: [Int] = [], length: [Int] = [], offset: [Int] = [], weights: [Double] = []
        for m in 0..<bands {
            let column = (0..<bins).map { Double(matrix[$0 * bands + m]) }
            let first = column.firstIndex { $0 != 0 } ?? 0
            let last = column.lastIndex { $0 != 0 } ?? -1
            start.append(first); length.append(last - first + 1); offset.append(weights.count)
            weights += column[first..<(last + 1)]
        }
        (filterStart, filterLength, filterOffset, filterWeights) = (start, length, offset, weights)
        magnitudes = .allocate(capacity: 4 * bins * stfts.count)
        logOffset = Float(params.logOffset)
    }

    deinit { magnitudes.deallocate() }

    public var bands: Int { params.melBands }

    public func frameCount(samples: Int) -> Int { stft.frameCount(samples: samples) }

    /// Writes `frameCount(samples: waveform.count)` rows of `bands` values into `out`.
    /// A public boundary for a caller's raw samples: throws `DSPError.nonFiniteSample` before
    /// writing anything if a sample is NaN or ±inf.
    public func compute(_ waveform: UnsafeBufferPointer<Float>,
                        into out: UnsafeMutablePointer<Float>) throws(DSPError) {
        try checkFinite(waveform)
        computeFinite(waveform, into: out)
    }

    /// `compute` for samples already found finite (`LogMelStream` takes `FiniteSamples`, checked
    /// where they entered), so there is nothing left to throw.
    func computeFinite(_ waveform: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<Float>) {
        guard let base = waveform.baseAddress else { return }
        let frames = frameCount(samples: waveform.count), workers = min(stfts.count, frames)
        guard workers > 1 else { return frames == 0 ? () : computeFrames(0..<frames, of: base, into: out, worker: 0) }
        let (src, dst) = (UInt(bitPattern: base), UInt(bitPattern: out))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            computeFrames((worker * frames / workers)..<((worker + 1) * frames / workers),
                          of: UnsafePointer(bitPattern: src)!, into: UnsafeMutablePointer(bitPattern: dst)!,
                          worker: worker)
        }
    }

    /// Frames `range` with worker `worker`'s STFT and magnitude buffer, four at a time.
    private func computeFrames(_ range: Range<Int>, of waveform: UnsafePointer<Float>,
                               into out: UnsafeMutablePointer<Float>, worker: Int) {
        let stft = stfts[worker], bins = params.spectrogramBins
        let mags = magnitudes + worker * 4 * bins
        var f = range.lowerBound
        while f < range.upperBound {
            let count = min(4, range.upperBound - f)
            if count == 4 {
                stft.magnitude4(of: waveform, start: f * stft.hop, into: mags)
            } else {
                stft.magnitude(of: waveform, start: f * stft.hop, into: mags)
            }
            for i in 0..<(count == 4 ? 4 : 1) { project(mags + i * bins, into: out + (f + i) * bands) }
            f += count == 4 ? 4 : 1
        }
    }

    /// One frame's magnitudes → `bands` log-mel values.
    @inline(__always)
    private func project(_ magnitudes: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>) {
        filterWeights.withUnsafeBufferPointer { weights in
            for m in 0..<bands {
                let x = magnitudes + filterStart[m], w = weights.baseAddress! + filterOffset[m]
                var sum = 0.0
                for j in 0..<filterLength[m] { sum += Double(x[j]) * w[j] }
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
