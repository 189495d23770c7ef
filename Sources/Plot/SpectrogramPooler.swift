/// A log-mel spectrogram of a stream, pooled for a plot: frames (rows of `bands` values, one every
/// `frameSeconds`) averaged into columns of `poolFrames`, starting at 10; whenever there are more
/// than `maxColumns`, adjacent columns are averaged in pairs and the pool doubles, so memory stays
/// under `maxColumns` × `bands` floats however long the stream.
public final class SpectrogramPooler {
    static let maxColumns = 2000
    public private(set) var columns: [[Float]] = []
    private var poolFrames = 10
    private var pending: [Float]
    private var pendingFrames = 0
    private let bands: Int
    private let frameSeconds: Double

    public init(bands: Int, frameSeconds: Double) {
        precondition(bands > 0 && frameSeconds > 0)
        (self.bands, self.frameSeconds) = (bands, frameSeconds)
        pending = [Float](repeating: 0, count: bands)
    }

    public var columnSeconds: Double { Double(poolFrames) * frameSeconds }

    /// Takes whole frames: `rows.count` is a multiple of `bands`.
    public func add(rows: UnsafeBufferPointer<Float>) {
        for f in 0..<(rows.count / bands) { add(UnsafeBufferPointer(rebasing: rows[(f * bands)..<((f + 1) * bands)])) }
    }

    private func add(_ frame: UnsafeBufferPointer<Float>) {
        for b in 0..<bands { pending[b] += frame[b] }
        pendingFrames += 1
        guard pendingFrames == poolFrames else { return }
        columns.append(pending.map { $0 / Float(poolFrames) })
        pending = [Float](repeating: 0, count: bands)
        pendingFrames = 0
        if columns.count > Self.maxColumns {
            columns = stride(from: 0, to: columns.count - 1, by: 2).map { i in zip(columns[i], columns[i + 1]).map { ($0 + $1) / 2 } }
            poolFrames *= 2
        }
    }
}
