import Foundation

/// The filter of a resampler from `inputRate` to `outputRate` (Hz, any positive integers up to
/// 10 MHz): a Kaiser-windowed sinc lowpass in polyphase form. Design once per rate pair; the plan
/// is immutable, so any number of `Resampler` streams on any threads can share it.
///
/// Ratio: L/M = outputRate/inputRate reduced by their gcd (44100 → 16000: L = 160, M = 441).
/// Output sample j is the input interpolated at input time t_j = j·M/L samples (t_0 = 0, the
/// first input sample: resampy's alignment), with zeros outside the input:
///
///     y[j] = Σ_k x[k]·h(t_j − k),   h(t) = 2a·sinc(2a·t)·w(t/K),   a = fc/inputRate,
///
/// t in input samples, sinc(u) = sin(πu)/(πu), w the Kaiser window (`Kaiser.window`) over
/// |t| ≤ K. Unit gain at DC, linear phase, no delay. N input samples give floor(N·L/M) output
/// samples (resampy's length; `outputCount(inputCount:)`).
///
/// Band edges: the stopband starts at fs = min(inputRate, outputRate)/2, the lower Nyquist
/// frequency, so nothing that would alias (downsampling) or image (upsampling) passes with more
/// than −A dB; the passband ends at fp = (1 − transition)·fs (7.5 kHz for → 16 kHz with the
/// default transition 1/16); the cutoff is fc = (fp + fs)/2. The plan uses the 2K taps per output
/// that Kaiser's formula asks for A dB over Δω = 2π(fs − fp)/inputRate, rounded up to a multiple of
/// 8 (the SIMD width): at A = 96 dB, 592 taps at 48 kHz, 544 at 44.1 kHz, 200 for 8 → 16 kHz.
///
/// Table: when L ≤ `maxExactPhases` (every common audio pair: 44.1 → 16 kHz needs 160 phases,
/// 11.025 → 16 kHz 640), row φ = 0..<L holds h(φ/L + K − 1 − i), i = 0..<2K: the weights of
/// x[n − K + 1 + i] for an output at time n + φ/L. For awkward ratios (e.g. 44101 → 16000,
/// L = 16000) the table holds `interpolationPhases` + 1 rows at offsets p/512 instead, and each
/// output's weights are interpolated linearly between the two rows around its offset (what resampy
/// does for every ratio). Linear interpolation over steps of Δ = 1/512 sample errs by about
/// (2πfΔ)²/8 relative at frequency f (in cycles per input sample), below −110 dB for f ≤ 1/2;
/// the 44101 Hz case of ResamplerTests measures the same rejection as the exact tables.
/// ref: J. O. Smith, "Digital Audio Resampling", ccrma.stanford.edu/~jos/resample (bandlimited
/// interpolation); Crochiere & Rabiner, Multirate Digital Signal Processing (1983), ch. 2–3.
public final class ResamplerPlan: Sendable {
    public let inputRate: Int
    public let outputRate: Int
    /// L: output samples per `downFactor` input samples (outputRate / gcd).
    public let upFactor: Int
    /// M: inputRate / gcd.
    public let downFactor: Int
    /// Design stopband attenuation A in dB (the passband ripple is ±δ, δ = 10^(−A/20), too).
    public let attenuation: Double
    /// Kaiser β for `attenuation`.
    public let beta: Double
    /// fp, fs and fc in Hz.
    public let passbandEdge: Double
    public let stopbandEdge: Double
    public let cutoff: Double
    /// 2K: input samples (= multiply-adds) per output sample; 0 for the identity.
    public let taps: Int
    /// Whether weights are interpolated between `interpolationPhases` + 1 rows (L too large).
    public let isInterpolated: Bool
    /// True when the rates are equal: the resampler copies its input.
    public var isIdentity: Bool { upFactor == downFactor }
    /// K: how many input samples past t_j output j waits for (the stream's latency).
    public var lookahead: Int { taps / 2 }

    /// Largest L with one table row per phase.
    public static let maxExactPhases = 1024
    /// Rows (less one) of the interpolated table.
    public static let interpolationPhases = 512
    /// The most weights a plan stores (table and slopes: 64 MiB of floats). An exact table over it
    /// is interpolated instead; a pair whose interpolated table is over it too (a filter of more
    /// than 16,351 taps: downsampling from over ~1.3 MHz to 16 kHz) is refused. Every pair from
    /// 4–768 kHz to 16 kHz fits: at most 1000 rows × 9424 taps (37.7 MB), designed in well under a second.
    public static let maxWeights = 1 << 24

    /// [rows][taps] weights, row-major; rows = L, or interpolationPhases + 1 when interpolated.
    let table: [Float]
    /// Interpolated mode: row p + 1 − row p, p < interpolationPhases; empty otherwise.
    let slopes: [Float]

    /// - Parameters:
    ///   - attenuation: stopband attenuation A in dB, 40...200 (default 96 dB: ≥ 95.8 dB measured
    ///     for every rate in the tests, over the 90 dB the audio pipeline asks for).
    ///   - transition: (fs − fp) / fs, in (0, 0.5].
    public init(inputRate: Int, outputRate: Int, attenuation: Double = 96,
                transition: Double = 1.0 / 16) throws(DSPError) {
        guard (1...10_000_000).contains(inputRate), (1...10_000_000).contains(outputRate) else {
            throw .invalidParameter("resampler rates \(inputRate) → \(outputRate) Hz (use 1 Hz … 10 MHz)")
        }
        guard (40...200).contains(attenuation), transition > 0, transition <= 0.5 else {
            throw .invalidParameter("resampler attenuation \(attenuation) dB, transition \(transition)")
        }
        var a = inputRate, b = outputRate
        while b != 0 { (a, b) = (b, a % b) }
        self.inputRate = inputRate
        self.outputRate = outputRate
        upFactor = outputRate / a
        downFactor = inputRate / a
        self.attenuation = attenuation
        beta = Kaiser.beta(attenuation: attenuation)
        stopbandEdge = Double(min(inputRate, outputRate)) / 2
        passbandEdge = (1 - transition) * stopbandEdge
        cutoff = (passbandEdge + stopbandEdge) / 2
        if upFactor == downFactor {
            taps = 0; isInterpolated = false; table = []; slopes = []
            return
        }
        let deltaOmega = 2 * Double.pi * (stopbandEdge - passbandEdge) / Double(inputRate)
        let order = Kaiser.order(attenuation: attenuation, transitionWidth: deltaOmega)
        // K·L ≥ 2M keeps every output a stream emits before `finish` inside floor(N·L/M).
        let minimum = 2 * ((2 * downFactor + upFactor - 1) / upFactor)
        let taps = (max(Int(order.rounded(.up)), minimum, 8) + 7) / 8 * 8
        self.taps = taps
        isInterpolated = upFactor > Self.maxExactPhases || upFactor * taps > Self.maxWeights
        let rows = isInterpolated ? Self.interpolationPhases + 1 : upFactor
        guard rows * taps * (isInterpolated ? 2 : 1) <= Self.maxWeights else {
            throw .invalidParameter("resampler rates \(inputRate) → \(outputRate) Hz need a filter of \(taps) taps "
                                    + "(at most \(Self.maxWeights / (2 * rows)) are designed)")
        }
        let denominator = Double(isInterpolated ? Self.interpolationPhases : upFactor)
        // Weights in double precision, rounded once to float.
        let k = Double(taps / 2), band = cutoff / Double(inputRate), beta = self.beta
        let windowScale = 1 / Kaiser.besselI0(beta)
        var table = [Float](repeating: 0, count: rows * taps)
        for row in 0..<rows {
            let offset = Double(row) / denominator
            for i in 0..<taps {
                let t = offset + (k - 1 - Double(i))
                let u = 2 * band * t
                let sinc = u == 0 ? 1 : sin(Double.pi * u) / (Double.pi * u)
                let r = 1 - (t / k) * (t / k)
                let window = r > 0 ? Kaiser.besselI0(beta * r.squareRoot()) * windowScale : windowScale
                table[row * taps + i] = Float(2 * band * sinc * window)
            }
        }
        self.table = table
        if isInterpolated {
            slopes = (0..<(rows - 1) * taps).map { table[$0 + taps] - table[$0] }
        } else {
            slopes = []
        }
    }

    /// Output samples of a whole stream of `inputCount` samples: floor(inputCount·L/M), resampy's
    /// length (`int(n · sr_new / sr_orig)`; ref: resampy 0.4.3 core.py, resample). The identity
    /// returns inputCount.
    public func outputCount(inputCount: Int) -> Int {
        downFactor.dividingFullWidth(inputCount.multipliedFullWidth(by: upFactor)).quotient
    }

    /// One-piece resampling: a fresh stream's `process(input)` followed by `finish()`.
    public func resample(_ input: [Float]) -> [Float] {
        let stream = Resampler(plan: self)
        return stream.process(input) + stream.finish()
    }
}

/// A resampling stream: feed `process` chunks of any size (including empty ones), then call
/// `finish` once for the tail. Outputs come out in order as soon as their filter window is
/// complete (`plan.lookahead` input samples later). Whatever the chunking, the concatenated
/// outputs are bit-identical to one-piece processing (every output sample is one fixed sequence of
/// float operations) and number `plan.outputCount(inputCount:)` in all. `finish` also resets the
/// stream, so the object can start a new stream. Not thread-safe; use one stream per thread.
public final class Resampler {
    public let plan: ResamplerPlan
    /// Input samples buffered: absolute indices bufferStart ..< bufferStart + bufferCount (indices
    /// below 0 are the zeros before the stream).
    private var buffer: UnsafeMutablePointer<Float>
    private var capacity: Int
    private var bufferStart = 0
    private var bufferCount = 0
    /// Input samples received so far (this stream).
    public private(set) var inputCount = 0
    /// Output samples returned so far (this stream): the index j of the next one.
    public private(set) var outputCount = 0
    /// n_j = floor(j·M/L) and φ_j = j·M mod L of the next output.
    private var base = 0
    private var phase = 0

    /// Input is copied into the buffer in pieces of at most this many samples, which bounds the
    /// buffer at taps + slice samples whatever the chunk size.
    private static let slice = 1 << 14

    public init(plan: ResamplerPlan) {
        self.plan = plan
        capacity = plan.taps + Self.slice
        buffer = .allocate(capacity: capacity)
        reset()
    }

    public convenience init(inputRate: Int, outputRate: Int) throws(DSPError) {
        self.init(plan: try ResamplerPlan(inputRate: inputRate, outputRate: outputRate))
    }

    deinit { buffer.deallocate() }

    /// Starts a new stream (drops buffered input and pending outputs).
    public func reset() {
        inputCount = 0; outputCount = 0; base = 0; phase = 0
        // x[−K+1 ..< 0] = 0: the first output's left wing.
        let lead = max(plan.lookahead - 1, 0)
        buffer.update(repeating: 0, count: lead)
        bufferStart = -lead
        bufferCount = lead
    }

    /// Takes `chunk`; returns the output samples that became complete.
    public func process(_ chunk: [Float]) -> [Float] {
        chunk.withUnsafeBufferPointer { process($0) }
    }

    /// As `process(_:)` for an array: takes `chunk`, returns the outputs that became complete.
    public func process(_ chunk: UnsafeBufferPointer<Float>) -> [Float] {
        // Capacity ≥ 1: a non-nil buffer even when no output is ready.
        [Float](unsafeUninitializedCapacity: max(1, outputCount(afterTaking: chunk.count))) { out, initialized in
            initialized = process(chunk, into: out.baseAddress!)
        }
    }

    /// How many outputs `process(_:into:)` writes for a chunk of `count` more input samples.
    public func outputCount(afterTaking count: Int) -> Int {
        plan.isIdentity ? count : readyCount(inputCount: inputCount + count)
    }

    /// How many outputs `finish(into:)` writes now.
    public var pendingCount: Int {
        plan.isIdentity ? 0 : max(plan.outputCount(inputCount: inputCount) - outputCount, 0)
    }

    /// Takes `chunk` and writes the outputs that became complete to `out`, which the caller owns
    /// and sizes to `outputCount(afterTaking: chunk.count)` (dr_flac's `read_pcm_frames_f32` style:
    /// nothing is allocated). Returns how many were written.
    @discardableResult
    public func process(_ chunk: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<Float>) -> Int {
        guard let source = chunk.baseAddress else { return 0 }
        if plan.isIdentity {
            out.update(from: source, count: chunk.count)
            inputCount += chunk.count; outputCount += chunk.count
            return chunk.count
        }
        var written = 0, offset = 0
        while offset < chunk.count {
            let piece = min(chunk.count - offset, Self.slice)
            append(piece) { $0.update(from: source + offset, count: piece) }
            inputCount += piece
            offset += piece
            let ready = readyCount(inputCount: inputCount)
            emit(ready, into: out + written)
            written += ready
        }
        return written
    }

    /// Ends the stream: returns the remaining outputs (the input continues with zeros), so that
    /// the stream's outputs number floor(inputCount·L/M) in all; then resets.
    public func finish() -> [Float] {
        [Float](unsafeUninitializedCapacity: max(1, pendingCount)) { out, initialized in
            initialized = finish(into: out.baseAddress!)
        }
    }

    /// `finish` into `out`, sized by the caller to `pendingCount`; returns how many outputs were
    /// written, then resets.
    @discardableResult
    public func finish(into out: UnsafeMutablePointer<Float>) -> Int {
        defer { reset() }
        let total = pendingCount
        guard total > 0 else { return 0 }
        append(plan.lookahead) { $0.update(repeating: 0, count: plan.lookahead) }
        emit(total, into: out)
        return total
    }

    /// How many outputs from the next one on have their last tap n_j + K among the first
    /// `inputCount` input samples. With j = next + d, n_j = n + floor((φ + d·M)/L), so
    /// n_j + K ≤ inputCount − 1 ⇔ d < ((inputCount − K − n)·L − φ)/M (small numbers: no overflow
    /// however long the stream).
    private func readyCount(inputCount: Int) -> Int {
        let span = inputCount - plan.lookahead - base
        guard span > 0 else { return 0 }
        let room = span * plan.upFactor - phase
        return room <= 0 ? 0 : (room + plan.downFactor - 1) / plan.downFactor
    }

    /// Drops samples before the next output's first tap, then appends `count` samples, written
    /// by `fill` at the destination it is given.
    private func append(_ count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) {
        let keep = min(max(base - plan.lookahead + 1 - bufferStart, 0), bufferCount)
        if keep > 0 {
            bufferCount -= keep
            bufferStart += keep
            buffer.update(from: buffer + keep, count: bufferCount)
        }
        if bufferCount + count > capacity {
            capacity = bufferCount + count
            let grown = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
            grown.moveInitialize(from: buffer, count: bufferCount)
            buffer.deallocate()
            buffer = grown
        }
        fill(buffer + bufferCount)
        bufferCount += count
    }

    /// Computes the next `count` outputs into `out`.
    private func emit(_ count: Int, into out: UnsafeMutablePointer<Float>) {
        guard count > 0 else { return }
        let l = plan.upFactor, taps = plan.taps
        let baseStep = plan.downFactor / l, phaseStep = plan.downFactor % l
        // Output j's first tap, x[n_j − K + 1], sits at buffer[n_j + shift].
        let shift = 1 - plan.lookahead - bufferStart, buffer = buffer
        @inline(__always) func input(_ n: Int) -> UnsafeMutablePointer<Float> { buffer + (n &+ shift) }
        var n = base, phase = phase
        @inline(__always) func advance() {
            phase &+= phaseStep
            n &+= baseStep
            if phase >= l { phase &-= l; n &+= 1 }
        }
        // Index arithmetic below wraps (&+, &*): the values are bounded by the buffer and the
        // table, and overflow checks in these loops would cost more than the arithmetic.
        if plan.isInterpolated {
            let rows = ResamplerPlan.interpolationPhases
            plan.table.withUnsafeBufferPointer { table in
                plan.slopes.withUnsafeBufferPointer { slopes in
                    for j in 0..<count {
                        let position = phase &* rows
                        let row = position / l
                        let eta = Float(Double(position &- row &* l) / Double(l))
                        out[j] = interpolatedDot(table.baseAddress! + row &* taps, slopes.baseAddress! + row &* taps,
                                                 eta, input(n), taps)
                        advance()
                    }
                }
            }
        } else {
            plan.table.withUnsafeBufferPointer { table in
                let rows = table.baseAddress!
                let m = plan.downFactor
                var j = 0
                // Blocks of 4L outputs: outputs j + p + r·L (r = 0..<4) share phase φ and lie M
                // input samples apart, so one weight load serves four outputs. After the L phases
                // n has advanced by M; the block's other 3L outputs advance it by 3M more.
                while count &- j >= 4 &* l {
                    for p in 0..<l {
                        let c = rows + phase &* taps, x = input(n)
                        let y = dot4(c, x, x + m, x + 2 &* m, x + 3 &* m, taps)
                        let o = out + (j &+ p)
                        o[0] = y.0; o[l] = y.1; o[2 &* l] = y.2; o[3 &* l] = y.3
                        advance()
                    }
                    n &+= 3 &* m
                    j &+= 4 &* l
                }
                while j &+ 4 <= count {
                    let (n0, c0) = (n, rows + phase &* taps); advance()
                    let (n1, c1) = (n, rows + phase &* taps); advance()
                    let (n2, c2) = (n, rows + phase &* taps); advance()
                    let (n3, c3) = (n, rows + phase &* taps); advance()
                    let y = dot4(c0, input(n0), c1, input(n1), c2, input(n2), c3, input(n3), taps)
                    out[j] = y.0; out[j &+ 1] = y.1; out[j &+ 2] = y.2; out[j &+ 3] = y.3
                    j &+= 4
                }
                while j < count {
                    out[j] = dot(rows + phase &* taps, input(n), taps)
                    advance()
                    j &+= 1
                }
            }
        }
        base = n
        self.phase = phase
        outputCount += count
    }
}

// Dot products over `taps` (a multiple of 8) weights. Each output is accumulated the same way in
// every kernel — eight lane-wise partial sums, block after block, then `sum8` — so an output's
// value does not depend on which kernel computed it (hence on the chunking).

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// ((v0 + v4) + (v2 + v6)) + ((v1 + v5) + (v3 + v7)), in that order.
@inline(__always)
private func sum8(_ v: SIMD8<Float>) -> Float {
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
}

@inline(__always)
private func dot(_ c: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ taps: Int) -> Float {
    var acc = SIMD8<Float>()
    var i = 0
    while i < taps {
        acc += load8(c + i) * load8(x + i)
        i &+= 8
    }
    return sum8(acc)
}

/// Four outputs at once: four independent accumulators keep the adders busy.
@inline(__always)
private func dot4(_ c0: UnsafePointer<Float>, _ x0: UnsafePointer<Float>,
                  _ c1: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                  _ c2: UnsafePointer<Float>, _ x2: UnsafePointer<Float>,
                  _ c3: UnsafePointer<Float>, _ x3: UnsafePointer<Float>,
                  _ taps: Int) -> (Float, Float, Float, Float) {
    var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
    var i = 0
    while i < taps {
        a0 += load8(c0 + i) * load8(x0 + i)
        a1 += load8(c1 + i) * load8(x1 + i)
        a2 += load8(c2 + i) * load8(x2 + i)
        a3 += load8(c3 + i) * load8(x3 + i)
        i &+= 8
    }
    return (sum8(a0), sum8(a1), sum8(a2), sum8(a3))
}

/// Four outputs with the same weights (the same phase).
@inline(__always)
private func dot4(_ c: UnsafePointer<Float>, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                  _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>,
                  _ taps: Int) -> (Float, Float, Float, Float) {
    var a0 = SIMD8<Float>(), a1 = a0, a2 = a0, a3 = a0
    var i = 0
    while i < taps {
        let w = load8(c + i)
        a0 += w * load8(x0 + i)
        a1 += w * load8(x1 + i)
        a2 += w * load8(x2 + i)
        a3 += w * load8(x3 + i)
        i &+= 8
    }
    return (sum8(a0), sum8(a1), sum8(a2), sum8(a3))
}

/// Weights c + η·d (linear interpolation between two table rows) applied to x.
@inline(__always)
private func interpolatedDot(_ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, _ eta: Float,
                             _ x: UnsafePointer<Float>, _ taps: Int) -> Float {
    let e = SIMD8<Float>(repeating: eta)
    var acc = SIMD8<Float>()
    var i = 0
    while i < taps {
        acc += (load8(c + i) + e * load8(d + i)) * load8(x + i)
        i &+= 8
    }
    return sum8(acc)
}
