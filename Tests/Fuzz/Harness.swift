import Analysis
import AudioIO
import Foundation

/// How one path ended for one input.
enum Outcome: Equatable {
    /// Audio: its rate, channels, sample count and a digest of the samples' bits.
    case decoded(rate: Int, channels: Int, samples: Int, digest: UInt64)
    case failed(AudioStreamError)

    /// "decoded", or the error's case ("malformedFLAC", "tooLong").
    var label: String {
        switch self {
        case .decoded: "decoded"
        case .failed(.audio(let error)): Self.label(error)
        case .failed(let error): Self.label(error)
        }
    }

    /// An error's enum case ("malformedFLAC"), else its type's name.
    static func label(_ error: any Error) -> String {
        if case .audio(let inner)? = error as? AudioStreamError { return label(inner) }
        let mirror = Mirror(reflecting: error)
        return mirror.displayStyle == .enum ? mirror.children.first?.label ?? "\(error)" : "\(type(of: error))"
    }
}

/// Runs an input through the public paths, `AudioDecoder.decode` on its bytes, `AudioStream` on
/// its file and the whole analysis (`MoodAnalyzer.analyze`) on its file (all without ffmpeg), and
/// checks how they end.
struct Harness {
    let configuration: FuzzConfiguration
    /// The input's file (`Workspace.current`); also the path in every error message.
    let path: String
    let analyzer: MoodAnalyzer

    struct Run {
        var decode: Outcome
        var stream: Outcome
        /// "result", or the analysis error's case.
        var analysis = ""
        /// Broken expectations; empty when the input passed.
        var problems: [String] = []
    }

    func run(_ input: FuzzInput) -> Run {
        let decode = decodeWhole(input.bytes)
        var problems: [String] = []
        let stream = self.stream(&problems)
        var run = Run(decode: decode, stream: stream, problems: problems)
        check(input.bytes, &run)
        analyze(&run)
        return run
    }

    /// The analysis must give a result whose numbers are all finite and that encodes as JSON
    /// where the stream decoded (unless a sample is outside the sample policy), and fail with a
    /// typed error where the stream failed.
    func analyze(_ run: inout Run) {
        do {
            let result = try analyzer.analyze(path: path, limits: configuration.limits, ffmpeg: nil)
            _ = try JSONEncoder().encode(result)
            run.analysis = "result"
            if case .failed(let error) = run.stream { run.problems.append("analysis: a result where the stream failed with \(error)") }
        } catch {
            run.analysis = Outcome.label(error)
            switch (error, run.stream) {
            case (is NonFiniteResultError, _), (is EncodingError, _):
                run.problems.append("analysis: \(error)")
            case (AudioStreamError.audio(.sampleOutOfRange), .decoded), (_, .failed):
                break
            default:
                run.problems.append("analysis: failed with \(error) where the stream decoded")
            }
        }
    }

    func decodeWhole(_ bytes: [UInt8]) -> Outcome {
        do {
            let audio = try AudioDecoder.decode(bytes, path: path, maxSamples: configuration.maxSamples, ffmpeg: nil)
            return .decoded(rate: audio.sampleRate, channels: audio.channels, samples: audio.samples.count,
                            digest: Self.digest(audio.samples, continuing: Self.digestStart))
        } catch {
            return .failed(.audio(error))
        }
    }

    /// The stream read to its end, each chunk checked: whole frames of the stream's rate and
    /// channels, at most 64 KiB of samples (WAV), one FLAC frame (65535 frames) or 16384 MP3
    /// frames and the frame that passes them.
    func stream(_ problems: inout [String]) -> Outcome {
        do throws(AudioStreamError) {
            let stream = try AudioStream(path: path, limits: configuration.limits, ffmpeg: nil)
            var samples = 0, digest = Self.digestStart
            while let chunk = try stream.next() {
                if chunk.sampleRate != stream.sampleRate || chunk.channels != stream.channels || chunk.samples.isEmpty
                    || chunk.samples.count % chunk.channels != 0 || chunk.samples.count > max(1 << 16, 65535 * chunk.channels) {
                    problems.append("stream: a chunk of \(chunk.samples.count) samples, \(chunk.channels) channels at "
                                    + "\(chunk.sampleRate) Hz from a stream of \(stream.channels) channels at \(stream.sampleRate) Hz")
                }
                samples += chunk.samples.count
                digest = Self.digest(chunk.samples, continuing: digest)
            }
            if Double(stream.framesRead) > configuration.limits.maxSeconds * Double(stream.sampleRate) {
                problems.append("stream: \(stream.framesRead) frames at \(stream.sampleRate) Hz delivered, over maxSeconds")
            }
            return .decoded(rate: stream.sampleRate, channels: stream.channels, samples: samples, digest: digest)
        } catch {
            return .failed(error)
        }
    }

    /// What every input must satisfy: audio that makes sense and fits the limits; the typed
    /// unsupported-format error for content without a native decoder; and the two paths agreeing
    /// (the same audio, or the same error, unless a limit only the stream has was reached).
    func check(_ bytes: [UInt8], _ run: inout Run) {
        for (name, outcome) in [("decode", run.decode), ("stream", run.stream)] {
            guard case .decoded(let rate, let channels, let samples, _) = outcome else { continue }
            if !(1...8).contains(channels) || !SampleGuard.sampleRates.contains(rate) || samples % channels != 0 {
                run.problems.append("\(name): \(samples) samples, \(channels) channels at \(rate) Hz")
            }
            if name == "decode", samples > configuration.maxSamples {
                run.problems.append("decode: \(samples) samples, over maxSamples (\(configuration.maxSamples))")
            }
        }
        let format = AudioFormat.detect(bytes)
        if ![.wav, .flac, .mp3].contains(format) {
            let expected: AudioError = bytes.isEmpty ? .unreadable(path: path, reason: "the file is empty")
                : .unsupportedFormat(path: path, format: format)
            if run.decode != .failed(.audio(expected)) || run.stream != .failed(.audio(expected)) {
                run.problems.append("\(format.name) content: expected \(expected) on both paths")
            }
        }
        switch (run.decode, run.stream) {
        case (.failed(.audio(.decodedTooLarge)), .decoded(_, _, let samples, _)) where samples > configuration.maxSamples: break
        case (.failed(.audio(.decodedTooLarge)), .failed(.tooLong)): break          // only the whole path counts samples
        case (_, .failed(.audio(.tooLarge))) where bytes.count > configuration.limits.maxBytes: break
        case (.decoded(let rate, let channels, let samples, _), .failed(.tooLong)):
            if Double(samples / channels) <= configuration.limits.maxSeconds * Double(rate) {
                run.problems.append("the stream stopped at maxSeconds, but the audio lasts \(samples / channels) frames at \(rate) Hz")
            }
        case (.failed, .failed(.tooLong(_, let seconds, let limit))):
            // The stream refuses by the length the header declares (or what it read so far)
            // before the whole path gets to the damage; the claim must be over the limit.
            if seconds <= limit { run.problems.append("the stream says \(seconds) s is over the \(limit) s limit") }
        default:
            if run.decode != run.stream { run.problems.append("the paths disagree: decode \(run.decode), stream \(run.stream)") }
        }
    }

    static let digestStart: UInt64 = 0xCBF2_9CE4_8422_2325

    /// FNV-1a-64 over the samples' bit patterns, continuing from `h`.
    static func digest(_ samples: [Float], continuing h: UInt64) -> UInt64 {
        samples.reduce(h) { ($0 ^ UInt64($1.bitPattern)) &* 0x0000_0100_0000_01B3 }
    }
}
