import DSP

/// Analysis settings of `FeatureExtractor`, with defaults after eGeMAPS (Eyben et al. 2016, IEEE
/// TAFFC 7(2); see shared/docs/AFFECT.md): 10 ms hop, 25 ms spectral windows, 64 ms pitch frames.
///
/// Every analysis frame t is centred on sample t·hop, and the signal is taken as zero outside
/// [0, n) (librosa's `center=True, pad_mode="constant"`), so n samples give 1 + n/hop frames
/// (none for n = 0). Input is 16 kHz mono, what the engine's front end produces.
public struct FeatureConfig: Sendable, Equatable, Codable {
    /// Input rate in Hz. Only 16000 is accepted: the window lengths below are in samples.
    public var sampleRate: Int = 16000
    /// Frame hop in samples (160 = 10 ms).
    public var hop: Int = 160
    /// Spectral window: periodic Hann of 400 samples (25 ms), zero-padded to a 512-point FFT.
    /// Also the RMS and zero-crossing frame length (rectangular).
    public var spectralWindow: Int = 400
    public var spectralFFT: Int = 512
    /// Chroma window: periodic Hann of 1024 samples (64 ms), 1024-point FFT (15.6 Hz bins:
    /// semitones resolve from about C4 up; the filterbank weights lower bins broadly).
    public var chromaFFT: Int = 1024
    /// Key chroma (KeyChroma.swift): a periodic Hann frame of `keyFFT` samples (512 ms: 1.95 Hz
    /// bins, so bass notes a semitone apart resolve), every `keyHopFrames` frames (100 ms); spectral
    /// peaks between `keyMinHz` and `keyMaxHz` within `keyPeakRangeDB` of the frame's largest; a
    /// peak within `keySieveCents` of the h-th harmonic (h ≤ `keyHarmonics`) of a stronger lower
    /// peak loses `keyHarmonicDecay`^(h−1) of its weight. s = 0.6 after Gómez 2006; the rest chosen
    /// on the emotion bench's development part (KeyChroma.swift has the figures).
    public var keyFFT: Int = 8192
    public var keyHopFrames: Int = 10
    public var keyMinHz: Double = 50
    public var keyMaxHz: Double = 5000
    public var keyPeakRangeDB: Double = 40
    public var keyHarmonics: Int = 4
    public var keyHarmonicDecay: Double = 0.6
    public var keySieveCents: Double = 35
    /// Tonic evidence from the opening (Tonal.swift, `estimateKey`): the key chroma of the first
    /// `keyOpeningSeconds` of sound counts `keyOpeningWeight` times a key's whole-file profile
    /// correlation. 1.5 s and 1 (the opening never outweighs the whole) chosen on the emotion
    /// bench's development part by the smallest margin of the true key (Tonal.swift has the figures).
    public var keyOpeningSeconds: Double = 1.5
    public var keyOpeningWeight: Double = 1
    /// Pitch frame: 1024 rectangular samples (64 ms); its autocorrelation uses a 2048-point FFT.
    public var pitchFrame: Int = 1024
    /// F0 search range in Hz (YIN lags sampleRate/f0Max … sampleRate/f0Min).
    public var f0Min: Double = 50
    public var f0Max: Double = 800
    /// YIN absolute threshold on the cumulative mean normalized difference (de Cheveigné &
    /// Kawahara 2002, step 4): the first dip below it is the period.
    public var yinThreshold: Double = 0.1
    /// A frame is voiced when YIN's aperiodicity at the chosen period is below this and its
    /// level is above `pitchFloorDB`.
    public var voicingThreshold: Double = 0.25
    /// A frame is periodic when its normalized autocorrelation at YIN's period is at least this:
    /// Praat's voicing threshold (Boersma 1993, Proc. Inst. Phonetic Sciences Amsterdam 17; Praat's
    /// "To Pitch (ac)" default 0.45). The periodic fraction, not the voiced one, tells speech and
    /// music from other sounds without YAMNet: YIN's voicing falls with a jittery voice's pitch
    /// (Pitch.swift).
    public var periodicThreshold: Double = 0.45
    /// Pitch frames quieter than this (dB re full scale, mean square of the 64 ms frame) are
    /// unvoiced without analysis.
    public var pitchFloorDB: Double = -60
    /// Spectral roll-off: the fraction of the magnitude sum below the roll-off frequency.
    public var rolloffFraction: Double = 0.85
    /// Silence: loudness below p99 − silenceRangeDB, rounded down to a whole dB: relative to the
    /// clip's own loudest level, so that a quietly recorded clip keeps its sound (a recording's gain
    /// is arbitrary). A clip whose p99 is under silenceFloorDB is near-silence: every frame is
    /// silent. Silent frames are left out of the loudness, spectral and chroma functionals.
    public var silenceFloorDB: Double = -60
    public var silenceRangeDB: Double = 40
    /// A sample is clipped when |x| ≥ clipLevel (full scale is 1).
    public var clipLevel: Float = 0.999

    public init() {}

    /// Throws `DSPError.invalidParameter` for settings the extractor cannot run with.
    func validate() throws(DSPError) {
        guard sampleRate == 16000 else { throw .invalidParameter("feature sample rate \(sampleRate): use 16000") }
        guard hop > 0, spectralWindow > 0, spectralWindow <= spectralFFT, pitchFrame > 0, chromaFFT > 0 else {
            throw .invalidParameter("feature frames: hop \(hop), window \(spectralWindow), FFT \(spectralFFT)")
        }
        guard f0Min > 0, f0Min < f0Max, f0Max <= Double(sampleRate) / 4,
              Double(sampleRate) / f0Min < Double(pitchFrame) / 2 else {
            throw .invalidParameter("F0 range \(f0Min)…\(f0Max) Hz for a \(pitchFrame)-sample pitch frame")
        }
        guard keyFFT >= 64, keyHopFrames > 0, keyMinHz > 0, keyMinHz < keyMaxHz, keyMaxHz < Double(sampleRate) / 2,
              keyPeakRangeDB > 0, (1...32).contains(keyHarmonics), keyHarmonicDecay > 0, keyHarmonicDecay <= 1,
              keySieveCents > 0, keySieveCents < 600, (0...60).contains(keyOpeningSeconds),
              (0...10).contains(keyOpeningWeight) else {
            throw .invalidParameter("key chroma: FFT \(keyFFT), \(keyMinHz)…\(keyMaxHz) Hz, \(keyHarmonics) harmonics")
        }
        guard (0...1).contains(rolloffFraction), yinThreshold > 0, voicingThreshold > 0, (0...1).contains(periodicThreshold) else {
            throw .invalidParameter("roll-off fraction, YIN or periodicity thresholds out of range")
        }
    }

    /// Frames per second.
    public var frameRate: Double { Double(sampleRate) / Double(hop) }
    /// Half of the longest analysis frame: the context each side of a frame centre.
    var halfContext: Int { max(spectralWindow, chromaFFT, pitchFrame, keyFFT) / 2 }
}
