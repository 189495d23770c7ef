import Foundation

/// Onsets picked from the onset strength o_t, streaming, for the onset rate (onsets per second).
/// Frame t is an onset when
///   o_t = max(o_{t−3} … o_t)                   (pre_max 30 ms, post_max 0),
///   o_t ≥ mean(o_{t−10} … o_{t+10}) + 0.07·M_t   (pre_avg and post_avg 100 ms, delta 0.07),
///   o_t > 0, and more than 3 frames (30 ms) follow the previous onset (wait),
/// librosa's defaults at 100 frames/s. librosa scales o to [0, 1] by the file's maximum; to stay
/// streaming, M_t is a running maximum that halves every 2 s instead. Decisions lag 10 frames.
/// ref: librosa.onset.onset_detect and librosa.util.peak_pick (0.11 defaults)
struct OnsetDetector {
    private static let preMax = 3, average = 10, wait = 3, delta = 0.07
    private let decay: Double
    private var ring: [Double]         // o_{t−20} … o_t, t = frames − 1
    private var frames = 0             // frames added
    private var decided = 0            // frames decided
    private var scale = 0.0            // M at the last decided frame
    private var lastOnset = Int.min / 2
    private(set) var count = 0

    init(frameRate: Double) {
        decay = exp2(-1 / (2 * frameRate))
        ring = [Double](repeating: 0, count: 2 * Self.average + 1)
    }

    /// Adds o_t; decides frame t − 10.
    mutating func add(_ strength: Float) {
        push(Double(strength))
        if frames - decided > Self.average { decide() }
    }

    /// Decides the remaining frames, with zeros after the end.
    mutating func finish() {
        let end = frames
        while decided < end {
            push(0)
            decide()
        }
    }

    private mutating func push(_ x: Double) {
        ring[frames % ring.count] = x
        frames += 1
    }

    private func value(_ t: Int) -> Double { t < 0 || t >= frames ? 0 : ring[t % ring.count] }

    private mutating func decide() {
        let t = decided
        decided += 1
        let x = value(t)
        scale = max(x, scale * decay)
        let isMax = (1...Self.preMax).allSatisfy { value(t - $0) <= x }
        let span = (t - Self.average)...(t + Self.average)
        let mean = span.reduce(0.0) { $0 + value($1) } / Double(span.count)
        if x > 0, isMax, x >= mean + Self.delta * scale, t - lastOnset > Self.wait {
            count += 1
            lastOnset = t
        }
    }
}
