import DSP

/// Acoustic features of one file for the emotion model, streaming: feed 16 kHz mono samples in
/// chunks of any size with `process`, then call `finish` for the `FeatureSummary` (and read
/// `frames` when built with `keepFrames`). Samples are buffered in blocks of 64 Ki and dropped once
/// no frame needs them, and the functionals accumulate in fixed-size histograms and sums, so memory
/// does not grow with the file, except for the syllable-peak list (a few bytes per intensity peak,
/// under 2 MB for 4 hours) and `frames` when kept (31 values per 10 ms frame, ~12 KB per second).
///
/// Frame t is centred at sample t·hop with zeros outside the signal, so n samples give 1 + n/hop
/// frames (librosa's `center=True`; none for n = 0); frames are computed as soon as their context
/// has arrived. Per frame: a 25 ms Hann spectrum (loudness, centroid, roll-off, flatness, flux,
/// alpha ratio, Hammarberg index, slopes, onset strength), RMS and zero-crossing rate over the
/// same 25 ms, a 64 ms Hann spectrum (chroma) and a 64 ms pitch frame (YIN F0, voicing, HNR,
/// intensity), and every `keyHopFrames` frames a 512 ms Hann spectrum (the key chroma,
/// KeyChroma.swift). All plans and buffers are made once, at init, and nothing is allocated per frame or
/// per segment in steady state (only `segments` and the kept `frames` grow). One instance analyses
/// one file at a time; it is not thread-safe.
///
/// Spectra shared: the one 25 ms spectrum feeds every spectral feature (loudness, centroid,
/// roll-off, flatness, flux, alpha ratio, Hammarberg, slopes, onset strength). Not shared, because
/// their conventions differ: the 64 ms chroma spectrum (Hann, 1024 points, librosa's), the 512 ms
/// key spectrum (resolving bass notes) and YIN's 2048-point
/// transform of the rectangular 64 ms frame (YIN skips frames under `pitchFloorDB`, which chroma
/// still needs); and YAMNet's STFT (TensorFlow-exact arithmetic, frames starting at 160·i, not
/// centred, so its frames sit 200 samples = 1.25 hops off these).
///
/// Validation: `process(FiniteSamples)` checks nothing (the `WaveformReader` checked the samples
/// where they entered); `process` of raw samples is the public boundary that checks them.
///
/// With `segmentFrames` > 0 the same frames also feed a summary per segment: segment k holds
/// frames k·segmentFrames ..< (k + 1)·segmentFrames, i.e. the samples centred there, and is closed
/// as soon as its last frame is computed (the last segment at `finish`; a final frame centred
/// past the last sample adds no segment of its own). Each segment's functionals are those of its
/// frames alone, computed once for the file and the segments together.
public final class FeatureExtractor {
    public let config: FeatureConfig
    /// The per-frame features so far (empty unless `keepFrames`).
    public private(set) var frames: FeatureFrames
    /// The summaries of the segments closed so far (none unless `segmentFrames` > 0).
    public private(set) var segments: [FeatureSummary] = []
    private let segmentFrames: Int
    private var segment: SummaryAccumulator
    /// Clipped samples per segment not closed yet.
    private var segmentClipped: [Int: Int] = [:]

    private let keepFrames: Bool
    private let spectrum: SpectrumAnalyzer
    private let chromaSpectrum: SpectrumAnalyzer
    private let keySpectrum: SpectrumAnalyzer
    private var keyProfile: HarmonicPitchClassProfile
    private let yin: YIN
    private let loudness: Loudness
    private let alphaRatio: AlphaRatio
    private let hammarberg: HammarbergIndex
    private let slopeLow: SpectralSlope, slopeHigh: SpectralSlope
    private let chroma: Chroma
    private var flux: SpectralFlux
    private var onset: OnsetStrength
    private var summary: SummaryAccumulator

    /// Samples from absolute index `bufferStart` on; indices below 0 are the leading zeros.
    private var buffer: [Float]
    private var bufferStart: Int
    private var samples = 0
    private var clipped = 0
    private var nextFrame = 0
    private static let block = 1 << 16

    public init(config: FeatureConfig = FeatureConfig(), keepFrames: Bool = true, segmentFrames: Int = 0) throws(DSPError) {
        self.segmentFrames = max(0, segmentFrames)
        segment = SummaryAccumulator(config: config)
        try config.validate()
        self.config = config
        self.keepFrames = keepFrames
        frames = FeatureFrames(hopSeconds: Double(config.hop) / Double(config.sampleRate))
        spectrum = try SpectrumAnalyzer(window: config.spectralWindow, fftLength: config.spectralFFT,
                                        sampleRate: config.sampleRate)
        chromaSpectrum = try SpectrumAnalyzer(window: config.chromaFFT, fftLength: config.chromaFFT,
                                              sampleRate: config.sampleRate)
        keySpectrum = try SpectrumAnalyzer(window: config.keyFFT, fftLength: config.keyFFT, sampleRate: config.sampleRate)
        keyProfile = HarmonicPitchClassProfile(fftLength: config.keyFFT, sampleRate: config.sampleRate, config: config)
        yin = try YIN(config: config)
        loudness = Loudness(bins: spectrum.bins, binHz: spectrum.binHz)
        alphaRatio = AlphaRatio(spectrum: spectrum)
        hammarberg = HammarbergIndex(spectrum: spectrum)
        slopeLow = SpectralSlope(spectrum: spectrum, fromHz: 0, belowHz: 500)
        slopeHigh = SpectralSlope(spectrum: spectrum, fromHz: 500, belowHz: 1500)
        chroma = Chroma(fftLength: config.chromaFFT, sampleRate: config.sampleRate)
        flux = SpectralFlux(bins: spectrum.bins)
        onset = try OnsetStrength(bins: spectrum.bins, sampleRate: config.sampleRate)
        summary = SummaryAccumulator(config: config)
        bufferStart = -config.halfContext
        buffer = [Float](repeating: 0, count: config.halfContext)
    }

    /// Adds the next samples and computes every frame they complete. Nothing is checked here: the
    /// samples were found finite where they entered (`FiniteSamples`, e.g. a `WaveformReader`).
    public func process(_ chunk: FiniteSamples) {
        let chunk = chunk.buffer
        for (i, x) in chunk.enumerated() where abs(x) >= config.clipLevel {
            clipped += 1
            if segmentFrames > 0 { segmentClipped[(samples + i) / (segmentFrames * config.hop), default: 0] += 1 }
        }
        var start = 0
        while start < chunk.count {                    // in blocks, so the buffer stays small
            let block = UnsafeBufferPointer(rebasing: chunk[start..<min(chunk.count, start + Self.block)])
            buffer.append(contentsOf: block)
            samples += block.count
            start += block.count
            while nextFrame * config.hop + config.halfContext <= samples { computeFrame() }
            discardConsumed()
        }
    }

    /// `process` for a caller's raw samples, checked here, at the public boundary: throws
    /// `DSPError.nonFiniteSample` (index counted from the start of the file) before using any
    /// sample of a chunk that holds NaN or ±inf.
    public func process(_ chunk: UnsafeBufferPointer<Float>) throws(DSPError) {
        process(try FiniteSamples(checking: chunk, firstIndex: samples))
    }

    public func process(_ chunk: [Float]) throws(DSPError) {
        try chunk.withUnsafeBufferPointer { (c) throws(DSPError) in try process(c) }
    }

    /// Computes the last frames (zeros after the end) and returns the file's summary. Call once.
    public func finish() -> FeatureSummary {
        let count = samples == 0 ? 0 : 1 + samples / config.hop
        buffer.append(contentsOf: repeatElement(0, count: config.halfContext))
        while nextFrame < count { computeFrame() }
        if segmentFrames > 0, nextFrame % segmentFrames != 0, (nextFrame - 1) / segmentFrames * segmentFrames * config.hop < samples {
            closeSegment()
        }
        return summary.finish(samples: samples, clipped: clipped)
    }

    /// Closes the segment holding the last computed frame: its samples are those centred in its
    /// frames, up to the end of the input.
    private func closeSegment() {
        let k = (nextFrame - 1) / segmentFrames, length = segmentFrames * config.hop
        let count = min(length, samples - k * length)
        segments.append(segment.finish(samples: count, clipped: segmentClipped.removeValue(forKey: k) ?? 0))
        segment.reset()
    }

    /// Frames and summary of a whole waveform.
    public static func analyze(_ samples: [Float], config: FeatureConfig = FeatureConfig())
        throws(DSPError) -> (frames: FeatureFrames, summary: FeatureSummary) {
        let extractor = try FeatureExtractor(config: config)
        try extractor.process(samples)
        let summary = extractor.finish()
        return (extractor.frames, summary)
    }

    private func computeFrame() {
        let centre = nextFrame * config.hop
        let keyFrame = nextFrame % config.keyHopFrames == 0
        nextFrame += 1
        var f = FrameFeatures()
        buffer.withUnsafeBufferPointer { b in
            let at = { (start: Int) in b.baseAddress! + (start - self.bufferStart) }
            let half = config.spectralWindow / 2
            f.rms = rootMeanSquare(UnsafeBufferPointer(start: at(centre - half), count: config.spectralWindow))
            let first = max(centre - half, 0), end = min(centre + half, samples)
            f.zeroCrossingRate = zeroCrossingRate(UnsafeBufferPointer(start: at(first), count: max(0, end - first)),
                                                  frameLength: config.spectralWindow)
            spectrum.analyze(at(centre - half))
            chromaSpectrum.analyze(at(centre - config.chromaFFT / 2))
            f.pitch = yin.analyze(at(centre - config.pitchFrame / 2))
            if keyFrame { keySpectrum.analyze(at(centre - config.keyFFT / 2)) }
        }
        let density = spectrum.density
        f.loudness = loudness(density: density)
        f.spectralCentroid = spectralCentroid(magnitude: spectrum.magnitude, binHz: spectrum.binHz)
        f.spectralRolloff = spectralRolloff(magnitude: spectrum.magnitude, binHz: spectrum.binHz,
                                            fraction: config.rolloffFraction)
        f.spectralFlatness = spectralFlatness(power: spectrum.power)
        f.spectralFlux = flux.next(magnitude: spectrum.magnitude)
        f.alphaRatio = alphaRatio(density: density)
        f.hammarbergIndex = hammarberg(density: density)
        f.slope0To500 = slopeLow(density: density)
        f.slope500To1500 = slopeHigh(density: density)
        f.onsetStrength = onset.next(density: density)
        f.chroma = chroma(power: chromaSpectrum.power)
        summary.add(f)
        if keyFrame {
            keyProfile.analyze(magnitude: keySpectrum.magnitude)
            summary.addKeyProfile(keyProfile.profile, loudness: f.loudness)
            if segmentFrames > 0 { segment.addKeyProfile(keyProfile.profile, loudness: f.loudness) }
        }
        if segmentFrames > 0 {
            segment.add(f)
            if nextFrame % segmentFrames == 0 { closeSegment() }
        }
        if keepFrames { frames.append(f) }
    }

    /// Drops samples no later frame needs, a block at a time (amortized O(1) per sample).
    private func discardConsumed() {
        let needed = nextFrame * config.hop - config.halfContext
        if needed - bufferStart >= Self.block {
            buffer.removeFirst(needed - bufferStart)
            bufferStart = needed
        }
    }
}
