import DSP
import YAMNet
import Foundation
import Testing
import TestSupport

@Suite struct LogMelTests {
    static let clipNames = ["empty", "tiny", "silence", "sine440", "noise", "chirp", "short", "exact", "long"]

    /// Tolerance: 1e-4 absolute in the log domain (natural log). Window, FFT, mel matrix and log
    /// reproduce TensorFlow's float32 arithmetic; what remains is the summation order of the
    /// mel projection (~1e-7 relative), which the log maps to ≲1e-6. Typical measured: ≲1e-6.
    @Test(arguments: clipNames)
    func matchesTensorFlow(clipName: String) throws {
        let golden = try Golden.load()
        let clip = try #require(golden.clips.first { $0.name == clipName })
        let waveform = try Golden.floats(clip.input)
        let frontend = PatchFrontend()
        #expect(frontend.paddedLength(samples: waveform.count) == clip.padded_samples)
        let logMel = try LogMelSpectrogram()(frontend.pad(waveform))
        #expect(logMel.frames == clip.frames)
        #expect(frontend.patchCount(frames: logMel.frames) == clip.patches)
        #expect(frontend.shape(samples: waveform.count) == (clip.frames, clip.patches))
        let d = Difference(logMel.values, try Golden.floats(clip.log_mel))
        print("log-mel \(clipName): \(clip.frames) frames, \(clip.patches) patches, \(d)")
        #expect(d.maxAbs <= 1e-4)
        let patches = frontend.patches(of: logMel)
        #expect(patches.count == clip.patches * 96 * 64)
        if clip.patches > 1 {   // patch 1 starts 48 frames in
            #expect(Array(patches[(96 * 64)..<(96 * 64 + 64)]) == Array(logMel.values[(48 * 64)..<(49 * 64)]))
        }
    }
}

/// Splitting frames over threads and computing four frames per SIMD pass change nothing:
/// tolerance 0 ulp (every frame is computed by the same operations).
@Test(arguments: [1, 2, 3])
func logMelIsIndependentOfThreads(threads: Int) throws {
    var random = TestRandom(seed: 9)
    let waveform = random.array(16000 + 37, -0.5, 0.5)
    let reference = try LogMelSpectrogram(threads: 1)(waveform)
    let split = try LogMelSpectrogram(threads: threads)(waveform)
    #expect(split == reference)
    // Frames computed one at a time (a range shorter than 4) agree with four-lane frames.
    let short = try LogMelSpectrogram()(Array(waveform.prefix(400 + 160 * 2)))
    #expect(Array(short.values) == Array(reference.values.prefix(3 * 64)))
}

@Suite struct BadInputTests {
    @Test func nonFiniteSamplesAreTypedErrors() throws {
        let logMel = try LogMelSpectrogram()
        var samples = [Float](repeating: 0.1, count: 1000)
        samples[123] = .nan
        let error = #expect(throws: DSPError.self) { try logMel(samples) }
        guard case .nonFiniteSample(let index, let value) = error else { Issue.record("wrong error \(String(describing: error))"); return }
        #expect(index == 123 && value.isNaN)
        #expect(error?.description.contains("sample 123") == true)
        samples[123] = 0
        samples[7] = -.infinity
        #expect(throws: DSPError.nonFiniteSample(index: 7, value: -.infinity)) { try logMel(samples) }
        // also when the waveform is too short for any frame
        #expect(throws: DSPError.nonFiniteSample(index: 0, value: .infinity)) { try logMel([.infinity]) }
    }

    /// Empty input pads to 15600 zeros, as the reference does: 96 frames of log(0.001), 1 patch.
    @Test func emptyWaveformIsOnePatchOfSilence() throws {
        let frontend = PatchFrontend()
        #expect(frontend.paddedLength(samples: 0) == 15600)
        let logMel = try LogMelSpectrogram()(frontend.pad([]))
        #expect(logMel.frames == 96)
        #expect(frontend.patchCount(frames: logMel.frames) == 1)
        #expect(logMel.values.allSatisfy { $0 == tfLog(0.001) })
    }

    /// Without padding, fewer samples than one STFT window give zero frames (no end padding).
    @Test func shorterThanOneWindowGivesNoFramesUnpadded() throws {
        let logMel = try LogMelSpectrogram()
        #expect(try logMel([Float](repeating: 0.5, count: 399)).frames == 0)
        #expect(try logMel([Float](repeating: 0.5, count: 400)).frames == 1)
        #expect(try logMel([Float](repeating: 0.5, count: 560)).frames == 2)
    }

    @Test func paddingRule() {
        let frontend = PatchFrontend()
        #expect(frontend.params.minimumSamples == 15600)
        #expect(frontend.params.patchHopSamples == 7680)
        #expect(frontend.paddedLength(samples: 15600) == 15600)
        #expect(frontend.paddedLength(samples: 15601) == 15600 + 7680)
        #expect(frontend.paddedLength(samples: 15600 + 7680) == 15600 + 7680)
        #expect(frontend.shape(samples: 15600) == (96, 1))
        #expect(frontend.shape(samples: 15600 + 7680) == (144, 2))
    }
}
