/// How long one job's analysis may take (wall clock), from the start of its process: `fixed`
/// when given (`mood worker --job-timeout`), else `base` plus `perAudioSecond` for each second of
/// audio the file declares, at most `cap`; `cap` when the duration is unknown (ffmpeg formats).
/// Until the child has told the duration, `base` applies. The defaults leave a loaded machine
/// 8× the engine's alone time (BENCHMARKS.md: a 2-hour MP3 in 98 s, 0.014 s per audio second).
struct JobDeadline: Sendable, Equatable {
    var fixed: Double?
    var base = 60.0
    var perAudioSecond = 0.1
    var cap = 1800.0

    /// Seconds allowed for audio of `duration` seconds (nil: unknown).
    func seconds(forDuration duration: Double?) -> Double {
        if let fixed { return fixed }
        guard let duration, duration.isFinite, duration >= 0 else { return cap }
        return min(cap, base + perAudioSecond * duration)
    }

    /// Seconds allowed before the duration is known.
    var initial: Double { fixed ?? min(base, cap) }

    /// The CPU-time backstop (RLIMIT_CPU) for `threads` threads: the longest deadline, all busy.
    func cpuSeconds(threads: Int) -> Int {
        let longest = fixed ?? cap
        return Int(min(longest * Double(max(1, threads)), 1e9).rounded(.up)) + 1
    }
}
