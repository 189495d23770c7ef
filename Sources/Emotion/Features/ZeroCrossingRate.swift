/// Zero-crossing rate: sign changes between consecutive samples, divided by `frameLength`
/// (a fraction per sample pair; ×16000 gives crossings per second). |x| ≤ 1e-10 counts as 0, and
/// 0 as positive. `samples` are the frame's samples that lie inside the signal: librosa pads
/// with edge values, which add no crossings, so pairs outside the signal are simply not counted.
/// ref: librosa.feature.zero_crossing_rate (center=True), librosa.zero_crossings (threshold=1e-10,
/// zero_pos=True, pad=False)
func zeroCrossingRate(_ samples: UnsafeBufferPointer<Float>, frameLength: Int) -> Float {
    guard var previous = samples.first.map(isNegative) else { return 0 }
    var crossings = 0
    for x in samples.dropFirst() {
        let negative = isNegative(x)
        if negative != previous { crossings += 1 }
        previous = negative
    }
    return Float(crossings) / Float(frameLength)
}

@inline(__always)
private func isNegative(_ x: Float) -> Bool { x < -1e-10 }
