import AudioIO
import Foundation

/// The peak RSS a run may reach, derived from its limits: what the process held before the first
/// input (`baseline`, the analyzer's weights loaded), 64 MiB for the runtime, allocator and decoder
/// work buffers, 64 MiB for the analysis (the resampler's plan: at most 2^24 weights; YAMNet's and
/// the features' buffers are allocated before the baseline or are small), and for the
/// largest input at once its bytes four times (the input, its file, the stream's copy, a mutated
/// copy) and 12 bytes for each sample it may decode (a float, twice over for an array's spare
/// capacity, once more for the old buffer while it grows). The samples an input may decode:
/// FLAC `maxSamples`; MP3 48 per byte (MPEG-2 at 8 kbit/s and 24 kHz: 1152 samples in a 24-byte
/// frame; the MP3 decoder takes no limit); WAV one per byte.
struct MemoryBound {
    let baseline = MemoryBound.peakRSS()
    let maxSamples: Int
    private(set) var largest = 0

    init(_ configuration: FuzzConfiguration) {
        maxSamples = configuration.maxSamples
        Self.capDataSegment(extra: 1 << 30)
    }

    /// What `input` may need, the largest so far kept.
    mutating func add(_ input: FuzzInput) {
        let samples = switch AudioFormat.detect(input.bytes) {
        case .flac: maxSamples
        case .mp3: 48 * input.bytes.count
        case .wav: input.bytes.count
        default: 0
        }
        largest = max(largest, 4 * input.bytes.count + 12 * samples)
    }

    var bytes: Int { baseline + 128 << 20 + largest }
    var derivation: String { "baseline \(baseline >> 20) MiB + 64 + 64 MiB + \(largest >> 20) MiB for the largest input's bytes and samples" }

    /// The most memory resident at once so far (getrusage's ru_maxrss: KiB on Linux, bytes on macOS).
    static func peakRSS() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss
        #endif
    }

    /// Caps the data segment (RLIMIT_DATA, Linux) at its size now plus `extra` bytes, far above
    /// the bound and far below an unlimited decode (FLAC's default of 2^30 samples is 4 GiB):
    /// a runaway allocation then fails at once, a crash with its input recorded, instead of
    /// exhausting a shared machine.
    static func capDataSegment(extra: Int) {
        #if os(Linux)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmData:") }),
              let kib = Int(line.split(separator: " ")[1]) else { return }
        let resource = __rlimit_resource_t(RLIMIT_DATA.rawValue)
        var limit = rlimit()
        getrlimit(resource, &limit)
        limit.rlim_cur = min(limit.rlim_max, rlim_t(kib * 1024 + extra))
        setrlimit(resource, &limit)
        #endif
    }
}
